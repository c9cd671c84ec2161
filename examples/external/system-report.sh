#!/bin/sh
# System report: an external plugin in POSIX sh with the raw interface. Each task is
# one run: the input arrives as JSON on stdin (unused here), what is printed on stdout
# is the result (JSON if it parses, else text), and stderr lines are log lines
# ("INFO: …") or progress ("PROGRESS: 0.5 …").
cat > /dev/null

case "$1" in
  summary)
    echo "INFO: writing a summary" >&2
    echo "$(uname -s) $(uname -r) on $(uname -m), up since $(uptime | sed 's/.*up *//; s/,.*//')"
    ;;
  facts)
    echo "PROGRESS: 0.5 kernel" >&2
    kernel=$(uname -sr)
    echo "PROGRESS: 1 shell" >&2
    printf '{"kernel": "%s", "machine": "%s", "shell": "sh"}\n' "$kernel" "$(uname -m)"
    ;;
  *)
    echo "ERROR: unknown task $1" >&2
    exit 2
    ;;
esac
