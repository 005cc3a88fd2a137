//! The `regelverk` command. All printing, environment reading and exit codes live in `cli`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
