#!/usr/bin/env bash
# Security scans on loopback: sqlmap against the vote and comment forms and the
# admin filters, then wapiti (explicit modules, loopback endpoint) over the
# public and admin pages. The app runs under gunicorn on a throwaway SQLite
# database with its rate limits lifted, so that the scanners' thousands of
# requests reach the code instead of a 429.
#
#   bash bench/security.sh          (or: make security)
#   SCANS="vote-form wapiti-public" bash bench/security.sh
#
# The scanners live in their own virtualenv (.venv-security): wapiti pins
# libraries the app does not share. Prints one line per scan and exits 1 if
# any scan found an injection or a vulnerability, or the server logged an error.
# Full logs and reports are kept in bench/results/security/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
APP_PY=$ROOT/.venv/bin/python
SCAN_VENV=$ROOT/.venv-security
SLUG=north-korea-missile-response

if [ ! -x "$SCAN_VENV/bin/wapiti" ] || [ ! -x "$SCAN_VENV/bin/sqlmap" ]; then
  python3 -m venv "$SCAN_VENV"
  "$SCAN_VENV/bin/pip" install --quiet --disable-pip-version-check sqlmap==1.10.10 wapiti3==3.2.3
fi

WORK=$(mktemp -d)
REPORTS=$ROOT/bench/results/security
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
PORT=$("$APP_PY" -c 'from bench.common import free_port; print(free_port())')
BASE=http://127.0.0.1:$PORT
export DATABASE_URL=sqlite:///$WORK/scan.sqlite3
SECRET_KEY=$("$APP_PY" -c 'import secrets; print(secrets.token_hex(32))')
export SECRET_KEY
export VOTE_LIMIT_PER_IP="100000 per minute" COMMENT_LIMIT_PER_VOTER="100000 per minute"
export NEW_VOTER_LIMIT_PER_IP="100000 per minute"
export COMMENT_LIMIT_PER_IP="100000 per minute" LOGIN_LIMIT_PER_IP="100000 per minute"
export LOGIN_LIMIT_PER_ACCOUNT="100000 per minute"
ADMIN=scanner
ADMIN_PASSWORD=$("$APP_PY" -c 'import secrets; print(secrets.token_urlsafe(18))')

FLASK=("$ROOT/.venv/bin/flask" --app wsgi)
"${FLASK[@]}" db upgrade >/dev/null 2>&1
"${FLASK[@]}" seed >/dev/null
printf '%s\n' "$ADMIN_PASSWORD" | "${FLASK[@]}" moderator add "$ADMIN" --role admin >/dev/null

"$ROOT/.venv/bin/gunicorn" --workers 1 --bind "127.0.0.1:$PORT" --error-logfile "$REPORTS/server.log" \
  --capture-output wsgi:app &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
"$APP_PY" -c "from bench.common import wait_until_up; wait_until_up('$BASE/')"

eval "$(printf '%s\n' "$ADMIN_PASSWORD" | "$APP_PY" -m bench.scan_sessions "$BASE" "$ADMIN")"

failures=0
summary() { printf '%-34s %s\n' "$1" "$2"; }
# SCANS="vote-form wapiti-admin" runs only the scans named.
chosen() { [ -z "${SCANS:-}" ] || [[ " $SCANS " == *" $1 "* ]]; }

# sqlmap: every parameter of each target, boolean/error/union/stacked/time-based.
sqlmap_scan() {
  local name=$1; shift
  chosen "$name" || return 0
  local log=$REPORTS/sqlmap-$name.log
  "$SCAN_VENV/bin/sqlmap" --batch --disable-coloring --level 3 --risk 2 \
    --output-dir "$WORK/sqlmap" --flush-session "$@" >"$log" 2>&1 || true
  if grep -q "identified the following injection point" "$log"; then
    summary "sqlmap $name" "INJECTABLE: $(grep -m1 'Parameter:' "$log")"
    failures=$((failures + 1))
  elif grep -q "do not appear to be injectable" "$log"; then
    summary "sqlmap $name" "no injection ($(grep -c 'testing' "$log") tests)"
  else
    summary "sqlmap $name" "DID NOT FINISH: $(tail -n 1 "$log")"
    failures=$((failures + 1))
  fi
}

sqlmap_scan vote-form -u "$BASE/polls/$SLUG/vote" \
  --data "csrf_token=$READER_TOKEN&choice=military" --cookie "$READER_COOKIE" \
  --csrf-token csrf_token --csrf-method GET --csrf-url "$BASE/polls/$SLUG" -p choice
sqlmap_scan comment-form -u "$BASE/polls/$SLUG/comments" \
  --data "csrf_token=$READER_TOKEN&body=Talks+first&display_name=Reader" --cookie "$READER_COOKIE" \
  --csrf-token csrf_token --csrf-method GET --csrf-url "$BASE/polls/$SLUG/debate" -p body,display_name
# (--csrf-token rules out --threads; the GET scans use four.)
sqlmap_scan poll-path -u "$BASE/polls/$SLUG*/results.json" --cookie "$READER_COOKIE" --threads 4
sqlmap_scan queue-filters -u "$BASE/admin/?poll=$SLUG&status=pending&stance=diplomacy&sentiment=positive&flag=link&q=talks&page=1" \
  --cookie "$ADMIN_COOKIE" -p poll,status,stance,sentiment,flag,q,page --threads 4
sqlmap_scan audit-filters -u "$BASE/admin/audit?actor=$ADMIN&action=comment.approve&poll=$SLUG&since=2026-01-01&until=2026-12-31" \
  --cookie "$ADMIN_COOKIE" -p actor,action,poll,since,until --threads 4
sqlmap_scan export-filters -u "$BASE/admin/export/comments.csv?poll=$SLUG&since=2026-01-01&until=2026-12-31" \
  --cookie "$ADMIN_COOKIE" -p poll,since,until --threads 4

# wapiti: crawl and attack public and admin pages; never the logout form.
WAPITI_MODULES=xss,permanentxss,sql,timesql,exec,file,crlf,redirect,csrf,csp,http_headers,methods,ssrf,xxe
wapiti_scan() {
  local name=$1 start=$2; shift 2
  chosen "wapiti-$name" || return 0
  local report=$REPORTS/wapiti-$name.json
  "$SCAN_VENV/bin/wapiti" -u "$start" --scope folder -m "$WAPITI_MODULES" \
    --endpoint "$BASE/" --flush-session --max-scan-time 600 --max-attack-time 120 \
    -f json -o "$report" "$@" >"$REPORTS/wapiti-$name.log" 2>&1 || true
  if [ ! -s "$report" ]; then
    summary "wapiti $name" "DID NOT FINISH: $(tail -n 1 "$REPORTS/wapiti-$name.log")"
    failures=$((failures + 1))
    return
  fi
  local verdict
  verdict=$("$APP_PY" - "$report" "$BASE" "$ADMIN_COOKIE" <<'PY'
import json, sys, urllib.error, urllib.request
report, base, admin_cookie = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]


def oembed_format_refusal(item) -> bool:
    """wapiti files every 5xx as "Internal Server Error". oEmbed's spec answers a format it does
    not offer with 501 Not Implemented: replayed, such a request must get exactly that."""
    method, target = item["http_request"].split(" ", 2)[:2]
    if method != "GET" or item["path"] != "/oembed" or item["parameter"] != "format":
        return False
    request = urllib.request.Request(base + target, headers={"Cookie": admin_cookie})
    try:
        urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as answer:
        return answer.code == 501
    return False


found = {name: len(items) for name, items in report["vulnerabilities"].items() if items}
anomalies, spec_answers = {}, 0
for name, items in report["anomalies"].items():
    real = [item for item in items if not oembed_format_refusal(item)]
    spec_answers += len(items) - len(real)
    if real:
        anomalies[name] = len(real)
crawled = report["infos"].get("crawled_pages_nbr", "?")
expected = f" (and {spec_answers} oEmbed 501s for an unoffered format, as its spec says)" if spec_answers else ""
print(f"{crawled} pages; vulnerabilities {found or 'none'}; anomalies {anomalies or 'none'}{expected}")
sys.exit(1 if found or anomalies else 0)
PY
) || failures=$((failures + 1))
  summary "wapiti $name" "$verdict"
}

wapiti_scan public "$BASE/" -C "$READER_COOKIE"
wapiti_scan admin "$BASE/admin/" -C "$ADMIN_COOKIE" -x "$BASE/admin/logout" -x "$BASE/admin/logout-everywhere"

if grep -q "Traceback" "$REPORTS/server.log"; then
  summary "server log" "ERRORS: $(grep -c Traceback "$REPORTS/server.log") tracebacks"
  failures=$((failures + 1))
else
  summary "server log" "no errors"
fi

exit $((failures > 0))
