// Errors shown where they happened, in a line kept free for them, so that nothing moves when one appears.
import { errorText } from "./format.js";

export function showError(element, error) {
  element.textContent = errorText(error);
  // The line shows two lines at most: the whole of a longer error is on hover.
  element.title = element.textContent;
}

export function clearError(element) {
  element.textContent = "";
  element.title = "";
}

/** Runs a request, clearing the error line first; shows its error there if it fails, and resolves with undefined. */
export async function withErrorShown(element, request) {
  clearError(element);
  try {
    return await request();
  } catch (error) {
    showError(element, error);
    return undefined;
  }
}
