# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
RUN powershell -Command `
    Write-Host C:\path\to `
    ; exit 0
COPY C:\src\ C:\app\
WORKDIR C:\app
