#!/usr/bin/env bash
# Print the first Python >= 3.12 that actually runs. pyenv shims exist for versions that are not
# selected and fail when run, so each candidate is tried, not just looked up.
set -u
candidates=(python3.13 python3.12 python3.14)
# Newest pyenv build first.
while IFS= read -r path; do
  candidates+=("$path")
done < <(ls -d "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV)
candidates+=(python3 python)
for candidate in "${candidates[@]}"; do
  if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
    command -v "$candidate" 2>/dev/null || echo "$candidate"
    exit 0
  fi
done
echo "error: Creator Hub needs Python 3.12 or newer (Django 6). Tried: ${candidates[*]}." >&2
echo "Install one (e.g. 'pyenv install 3.13' or your OS package python3.13) and run make again." >&2
exit 1
