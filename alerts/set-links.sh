#!/bin/sh
# Points the runbook_url and dashboard_url of every sbtc-signer alert at your own runbooks and Grafana.
#
#   alerts/set-links.sh --runbooks https://wiki.example.org/sbtc/runbooks.md \
#                       --grafana https://grafana.example.org  < sbtc-signer.rules.yml > my.rules.yml
#   alerts/set-links.sh --grafana https://grafana.example.org alerts/sbtc-signer.rules.yml   # in place
#
# The two base URLs below are the only place the shipped links come from: every runbook_url is
# RUNBOOKS_URL#<alert name in lower case>, every dashboard_url GRAFANA_URL/d/<dashboard uid>?var-job=...
# Run it again on each new release's file: your URLs are the arguments, never an edit to merge. It
# rewrites only those two annotations, whatever the indentation, so it works as well on
# deploy/kubernetes/prometheusrule.yaml and on the promtool tests' expected annotations.
# docs/alerts.md, "Links to your runbooks and your Grafana", has the details.
set -eu

RUNBOOKS_URL=https://github.com/sbtc-signer-exporter/sbtc-signer-exporter/blob/main/docs/runbooks.md
GRAFANA_URL=http://127.0.0.1:3000

usage() {
  cat >&2 <<EOF
usage: $0 [--runbooks URL] [--grafana URL] [FILE...]
  --runbooks URL  where docs/runbooks.md is served (default $RUNBOOKS_URL)
  --grafana URL   Grafana's root URL, with its sub-path if it has one (default $GRAFANA_URL)
Rewrites each FILE in place, or standard input to standard output without one.
EOF
  exit 2
}

runbooks=$RUNBOOKS_URL
grafana=$GRAFANA_URL
while [ $# -gt 0 ]; do
  case $1 in
    --runbooks) [ $# -ge 2 ] || usage; runbooks=$2; shift 2 ;;
    --grafana) [ $# -ge 2 ] || usage; grafana=${2%/}; shift 2 ;;
    -h|--help) usage ;;
    --) shift; break ;;
    -*) echo "$0: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done

for url in "$runbooks" "$grafana"; do
  case $url in
    http://?*|https://?*) ;;
    *) echo "$0: not an http(s) URL: $url" >&2; exit 2 ;;
  esac
  case $url in
    *[[:space:]#]*) echo "$0: a base URL has no spaces and no #: $url" >&2; exit 2 ;;
  esac
done

# sed replacement text: \, & and the delimiter | stand for themselves.
quote() { printf '%s' "$1" | sed -e 's/[\\&|]/\\&/g'; }
r=$(quote "$runbooks")
g=$(quote "$grafana")
script="s|^([[:space:]]*runbook_url:[[:space:]]+)[^[:space:]]*(#[a-z0-9_-]+)[[:space:]]*\$|\\1$r\\2|
s|^([[:space:]]*dashboard_url:[[:space:]]+)[^[:space:]]*(/d/[A-Za-z0-9_-]+)|\\1$g\\2|"

if [ $# -eq 0 ]; then
  exec sed -E -e "$script"
fi
for file in "$@"; do
  tmp=$(mktemp "$file.XXXXXX")
  sed -E -e "$script" "$file" > "$tmp"
  cat "$tmp" > "$file"   # keeps the file's owner and mode
  rm -f "$tmp"
done
