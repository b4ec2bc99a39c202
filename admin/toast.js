// What an action did, shown for a few seconds at the bottom of the page.

const toast = document.getElementById("toast");
let hideTimer;

export function showToast(message, kind = "info") {
  toast.textContent = message;
  toast.dataset.kind = kind;
  toast.hidden = false;
  clearTimeout(hideTimer);
  hideTimer = setTimeout(() => (toast.hidden = true), 5000);
}
