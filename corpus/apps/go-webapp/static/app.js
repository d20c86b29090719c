// Keep the message box from being submitted twice.
document.querySelector("form").addEventListener("submit", (e) => {
  e.target.querySelector("button").disabled = true;
});
