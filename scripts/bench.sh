#!/usr/bin/env bash
# One run of every row of BENCHMARKS.md's first table (issue 14), the floor and the peer measured
# in the same run, printed as that table with its ratios.
#
#   bash scripts/bench.sh                 # cold start, decide, the case split, the explanation,
#                                         # batch and the peer comparison (about 5 minutes)
#   bash scripts/bench.sh --fresh-clone   # and the README's `cargo test` in a fresh clone, cold
#
# Needs hyperfine and jq. The medians come from hyperfine's and criterion's own files, so the
# table is what they measured, not a copy.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
target="${CARGO_TARGET_DIR:-$repo/target}"
fresh_clone=false
for arg in "$@"; do
  case "$arg" in
    --fresh-clone) fresh_clone=true ;;
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done
for tool in hyperfine jq; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is not installed" >&2; exit 2; }
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== building (release)" >&2
cargo build --quiet --release
binary="$target/release/regelverk"
# The floor of a process's start: a hello-world Rust binary, optimised like ours.
printf 'fn main() { println!("Hello, world!"); }\n' > "$work/hello.rs"
rustc -O -o "$work/hello" "$work/hello.rs"

echo "== cold start (hyperfine)" >&2
# Run where there is no ./rules, so that the embedded (compiled) rules are used, as a purchaser's
# installed binary would.
cp examples/kommun-tjanster-650k.toml "$work/case.toml"
(
  cd "$work"
  hyperfine -N --warmup 20 --runs 300 --style none --export-json "$work/cold.json" \
    -n hello ./hello -n check "$binary check case.toml" >&2
)

echo "== criterion" >&2
cargo bench --quiet -p regelverk-bench --bench regelverk -- --warm-up-time 2 --measurement-time 5 \
  '^(decision/(decide_fully_specified|decide_one_unknown|evaluate_and_explain)|batch/1M_json_lines|peer/.*)$' >&2
criterion="$target/criterion"
median_ns() { jq '.median.point_estimate' "$criterion/$1/new/estimates.json"; }

cargo_test_time="not measured (--fresh-clone)"
cargo_test_met=""
if $fresh_clone; then
  echo "== cargo test in a fresh clone, cold" >&2
  git clone --quiet "$repo" "$work/clone"
  start=$(date +%s)
  (cd "$work/clone" && CARGO_TARGET_DIR="$work/clone/target" cargo test --quiet >&2)
  seconds=$(($(date +%s) - start))
  cargo_test_time="$((seconds / 60)) min $((seconds % 60)) s"
  if [ "$seconds" -le 180 ]; then cargo_test_met=yes; else cargo_test_met=no; fi
fi

hello=$(jq '.results[] | select(.command == "hello") | .median' "$work/cold.json")
check=$(jq '.results[] | select(.command == "check") | .median' "$work/cold.json")
full=$(median_ns decision/decide_fully_specified)
one=$(median_ns decision/decide_one_unknown)
explained=$(median_ns decision/evaluate_and_explain)
batch=$(median_ns batch/1M_json_lines)
floor=$(median_ns peer/floor)
ours_decide=$(median_ns peer/regelverk_decide)
ours_explain=$(median_ns peer/regelverk_explain)
regorus=$(median_ns peer/regorus)
fmt() { jq -nr "$1"; }

cat <<EOF
commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ), load average $(cut -d' ' -f1-3 /proc/loadavg)

| measure | median | target | met? |
|---|---|---|---|
| cold start of \`check\` / hello-world | $(fmt "$check * 1000 | . * 100 | round / 100") ms / $(fmt "$hello * 1000 | . * 100 | round / 100") ms = $(fmt "$check / $hello | . * 10 | round / 10")× | ≤ 2× | $(fmt "if $check / $hello <= 2 then \"yes\" else \"no\" end") |
| \`decide\`, fully specified | $(fmt "$full / 1000 | . * 1000 | round / 1000") µs = $(fmt "$full / $floor | . * 10 | round / 10")× the floor ($(fmt "$floor / 1000 | . * 1000 | round / 1000") µs) | ≤ 0.5 µs and ≤ 5× | $(fmt "if $full <= 500 and $full / $floor <= 5 then \"yes\" else \"no\" end") |
| \`evaluate\` + text explanation | $(fmt "$explained / 1000 | . * 100 | round / 100") µs | ≤ 5 µs | $(fmt "if $explained <= 5000 then \"yes\" else \"no\" end") |
| one unknown (the case split) / \`decide\` | $(fmt "$one / 1000 | . * 1000 | round / 1000") µs = $(fmt "$one / $full | . * 10 | round / 10")× | ≤ 3× | $(fmt "if $one / $full <= 3 then \"yes\" else \"no\" end") |
| batch, 1 000 000 JSON lines, 2 threads | $(fmt "1e6 / ($batch / 1e9) | round") cases/s | ≥ 1 500 000/s | $(fmt "if 1e6 / ($batch / 1e9) >= 1500000 then \"yes\" else \"no\" end") |
| regorus / regelverk, explanation on | $(fmt "$regorus / 1000 | . * 100 | round / 100") µs / $(fmt "$ours_explain / 1000 | . * 100 | round / 100") µs = $(fmt "$regorus / $ours_explain | . * 10 | round / 10")× | ≥ 20× | $(fmt "if $regorus / $ours_explain >= 20 then \"yes\" else \"no\" end") |
| regorus / regelverk, \`decide\` (boundary inputs) | $(fmt "$regorus / $ours_decide | round")× ($(fmt "$ours_decide / 1000 | . * 1000 | round / 1000") µs; $(fmt "$ours_decide / $floor | . * 10 | round / 10")× the floor) | | |
| README's \`cargo test\`, fresh clone, cold | $cargo_test_time | ≤ 3 min | $cargo_test_met |
EOF
