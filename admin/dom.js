// Small builders for the page's elements; text always goes in as text, never as HTML.

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = String(text);
  return node;
}

/** A table cell; `label` names it on phones, where each row is a card of labelled values. */
export function cell(label, children, className) {
  const td = element("td", className);
  td.dataset.label = label;
  for (const child of [children].flat())
    td.append(child instanceof Node ? child : document.createTextNode(child));
  return td;
}

export function pill(text, kind) {
  return element("span", kind ? `pill ${kind}` : "pill", text);
}
