#!/usr/bin/env bash
# Code shown in the docs must be the code that is compiled and tested: every
# "<!-- doc-example: PATH -->" marker is followed by a code block equal to PATH (without PATH's
# first two banner lines).
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
for doc in docs/*.md; do
  while IFS= read -r path; do
    want=$(tail -n +3 "$path" | sed '/./,$!d')
    got=$(awk -v m="<!-- doc-example: $path -->" '$0==m{f=1;next} f&&/^```/{if(in_block){exit} in_block=1;next} f&&in_block{print}' "$doc")
    if [ "$want" != "$got" ]; then
      echo "check-docs: the code block in $doc differs from $path"
      diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | head -n 20
      bad=1
    fi
  done < <(grep -o '<!-- doc-example: [^ ]* -->' "$doc" | sed 's/<!-- doc-example: \(.*\) -->/\1/')
done
[ $bad -eq 0 ] && echo "check-docs: documented examples match the compiled ones"
exit $bad
