#!/bin/sh
# careportal edit: double-click (macOS) to open this school's record editor in the browser.
cd "$(dirname "$0")" || exit 1
if [ -x .venv/bin/careportal ]; then CAREPORTAL=.venv/bin/careportal; else CAREPORTAL=careportal; fi
"$CAREPORTAL" edit --root . || { echo; echo "编辑器没有启动，请把上面的提示发给技术人员。"; read -r _; }
