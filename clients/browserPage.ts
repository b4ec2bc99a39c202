import type { PrimusSocketConstructor } from "./primusChatClient";

interface ScriptElement {
  src: string;
  onload: (() => void) | null;
  onerror: (() => void) | null;
}

/** What the browser client uses of the page; declared here so that the package builds without the DOM's types. */
interface BrowserPage {
  Primus?: PrimusSocketConstructor;
  location: { origin: string };
  document: {
    cookie: string;
    head: { append(element: ScriptElement): void };
    createElement(tag: "script"): ScriptElement;
  };
}

const page = globalThis as unknown as BrowserPage;

/** The page's own origin, as `https://chat.example.com`. */
export function pageOrigin() {
  return page.location.origin;
}

/** A cookie of the page, if it has it. */
export function pageCookie(name: string): string | undefined {
  for (const cookie of page.document.cookie.split(";")) {
    const [key, ...value] = cookie.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

const loading = new Map<string, Promise<PrimusSocketConstructor>>();

/**
 * The page's Primus client: the one it has, or the server's (`libraryUrl`), loaded once for all
 * the clients of the page. The server's library is compiled for its settings (transformer, parser).
 */
export function loadPrimusClientIntoPage(
  libraryUrl: string,
): Promise<PrimusSocketConstructor> {
  if (page.Primus) return Promise.resolve(page.Primus);
  let loaded = loading.get(libraryUrl);
  if (!loaded) {
    loaded = new Promise((resolve, reject) => {
      const script = page.document.createElement("script");
      script.onload = () =>
        page.Primus
          ? resolve(page.Primus)
          : reject(new Error(`${libraryUrl} did not define Primus`));
      script.onerror = () =>
        reject(
          new Error(`could not load the Primus client from ${libraryUrl}`),
        );
      script.src = libraryUrl;
      page.document.head.append(script);
    });
    // A failed load is tried again by the next connect.
    loaded.catch(() => loading.delete(libraryUrl));
    loading.set(libraryUrl, loaded);
  }
  return loaded;
}
