// Every action asks first, in a modal dialog. A destroy also asks for the room's name to be typed.

const dialog = document.getElementById("confirm");
const title = document.getElementById("confirm-title");
const text = document.getElementById("confirm-text");
const typedLabel = document.getElementById("confirm-typed-label");
const expected = document.getElementById("confirm-expected");
const typed = document.getElementById("confirm-typed");
const ok = document.getElementById("confirm-ok");
const cancel = document.getElementById("confirm-cancel");

cancel.addEventListener("click", () => dialog.close("cancel"));
typed.addEventListener("input", () => {
  ok.disabled = typed.value !== expected.textContent;
});

/** Resolves true once the action is confirmed, false if it is cancelled (Cancel, Escape). */
export function confirmAction({
  heading,
  body,
  confirmLabel,
  danger,
  mustType,
}) {
  title.textContent = heading;
  text.textContent = body;
  ok.textContent = confirmLabel;
  ok.className = danger ? "danger solid" : "";
  typedLabel.hidden = typed.hidden = mustType === undefined;
  expected.textContent = mustType ?? "";
  typed.value = "";
  ok.disabled = mustType !== undefined;
  dialog.returnValue = "";
  dialog.showModal();
  (mustType === undefined ? ok : typed).focus();
  return new Promise((resolve) =>
    dialog.addEventListener(
      "close",
      () => resolve(dialog.returnValue === "ok"),
      { once: true },
    ),
  );
}
