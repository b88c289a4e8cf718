@echo off
rem careportal edit: double-click to open this school's record editor in the browser.
chcp 65001 >nul
cd /d "%~dp0"
set CAREPORTAL=careportal
if exist ".venv\Scripts\careportal.exe" set CAREPORTAL=.venv\Scripts\careportal.exe
%CAREPORTAL% edit --root .
if errorlevel 1 (
  echo.
  echo 编辑器没有启动，请把上面的提示发给技术人员。
)
pause
