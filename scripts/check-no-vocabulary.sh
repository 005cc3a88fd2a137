#!/usr/bin/env bash
# Issue 13: Rust knows the language, not the law. Lists every place in src/**/*.rs, outside
# comments and `#[cfg(test)]` modules, where a string literal names the legal vocabulary the rule
# files declare: a country code, a kind of case, a fact path, a name of a closed list, or the name
# of a rule, parameter, definition, procedure, obligation or warning. Exit 1 if there is any.
#
# The words come from the rule files' declarations (rules/**/*.regel), so the check follows the
# rules. Names of closed lists that are plain English words (`other`, `goods`, `scope`, …) are
# left out: as words in a message they say nothing legal.
set -euo pipefail
cd "$(dirname "$0")/.."

rule_files=$(find rules -name '*.regel' | sort)
rust_files=$(find src -name '*.rs' | sort)
# shellcheck disable=SC2086
awk '
  BEGIN {
    split("other goods services works money staff method equipment concept service general " \
          "utilities ordinary scope term price supplier region premises date purchase " \
          "partnership modification", plain, " ")
    for (i in plain) common[plain[i]] = 1
  }
  # The rule files: the declared names.
  FILENAME ~ /\.regel$/ {
    if ($1 ~ /^(country|case|fact|item|parameter|define|procedure|obligation|warning|rule)$/ \
        && $2 != "" && !($2 in common)) words[$2] = 1
    next
  }
  # The Rust files: string literals of code lines, until the test module.
  FNR == 1 { in_tests = 0 }
  /^[[:space:]]*#\[cfg\(test\)\]/ { in_tests = 1 }
  in_tests { next }
  {
    line = $0
    sub(/^[[:space:]]*\/\/.*/, "", line)
    while (match(line, /"([^"\\]|\\.)*"/)) {
      literal = substr(line, RSTART + 1, RLENGTH - 2)
      line = substr(line, RSTART + RLENGTH)
      n = split(literal, tokens, /[^[:alnum:]_.åäöæøÅÄÖÆØ]+/)
      for (t = 1; t <= n; t++) {
        token = tokens[t]
        sub(/\.$/, "", token)
        if (token in words) {
          printf "%s:%d: \"%s\" names `%s`\n", FILENAME, FNR, literal, token
          found++
          break
        }
      }
    }
  }
  END {
    if (found) {
      printf "%d string literals in src/ name legal vocabulary outside comments and test modules\n", found > "/dev/stderr"
      exit 1
    }
    print "src/ names no legal vocabulary outside comments and test modules"
  }
' $rule_files $rust_files
