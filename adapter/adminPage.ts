import * as fs from "fs";
import type { IncomingMessage, ServerResponse } from "http";
import * as path from "path";
import type { ChatEngine } from "../src/chatEngine";
import type { ChatConfig } from "../src/config";
import { AdminAuth } from "./adminAuth";
import { adminApi } from "./adminApi";
import type { AdminRedis } from "./adminRedis";
import { sendJson, type ChatHttpRoute } from "./chatHttp";
import { readBody } from "./httpBody";

/** The page's files: `admin/` in the package (the build copies it to `dist/admin/`). */
const assetsDirectory = path.join(__dirname, "..", "admin");

const contentTypes: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
};

/** No other site may frame the page (a framed page could be clicked into confirming an action). */
const pageHeaders = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

/**
 * The admin page at `config.chat.admin.path`: the page, its log-in form, its stylesheet and scripts
 * (nothing secret: they hold no data), and its JSON API, all but the log-in behind the token. Without
 * a token configured it serves nothing, and the path is actionhero's as if the plugin had no page.
 */
export function adminRoutes(
  settings: ChatConfig,
  engine: ChatEngine,
  redis: () => AdminRedis,
): ChatHttpRoute[] {
  const { token, path: base } = settings.admin;
  if (!token) return [];
  const auth = new AdminAuth(token, base);
  const api = adminApi({
    engine,
    redis,
    // A message of maxMessageLength characters, each JSON-escaped at worst (\uXXXX), and the rest.
    maxBodyBytes: settings.maxMessageLength * 6 + 1024,
  });
  const assets = readAssets();
  const dashboard = template("index.html", { base });
  const logIn = (error: string) =>
    template("log-in.html", {
      base,
      error,
      errorHidden: error ? "" : "hidden",
    });

  const sendPage = (response: ServerResponse, status: number, html: string) => {
    response.writeHead(status, pageHeaders);
    response.end(html);
  };
  const redirectHome = (response: ServerResponse, cookie: string) => {
    response.writeHead(303, { location: `${base}/`, "set-cookie": cookie });
    response.end();
  };

  const handle = async (
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
  ) => {
    const [section, ...rest] = url.pathname
      .slice(base.length)
      .split("/")
      .filter(Boolean);
    const method = request.method ?? "GET";
    if (section === undefined) {
      if (auth.authorizes(request)) return sendPage(response, 200, dashboard);
      return sendPage(response, 401, logIn(""));
    }
    if (section === "assets" && rest.length === 1 && assets.has(rest[0])) {
      const asset = assets.get(rest[0])!;
      response.writeHead(200, {
        "content-type": asset.type,
        "cache-control": "no-cache",
      });
      response.end(asset.body);
      return;
    }
    if (section === "log-in" && method === "POST") {
      const form = new URLSearchParams(await readBody(request, 4096));
      if (auth.isToken(form.get("token") ?? ""))
        return redirectHome(response, auth.sessionCookie(request));
      return sendPage(
        response,
        401,
        logIn("That token is not right. Check config.chat.admin.token."),
      );
    }
    if (section === "log-out" && method === "POST")
      return redirectHome(response, auth.clearedCookie(request));
    if (section === "api") {
      if (auth.authorizes(request)) return api(request, response, rest);
      response.setHeader("www-authenticate", 'Bearer realm="chat-admin"');
      return sendJson(response, 401, {
        error:
          "the chat admin API needs the admin token: send it as Authorization: Bearer <token>, or log in on the page",
      });
    }
    sendJson(response, 404, { error: `nothing at ${url.pathname}` });
  };

  return [{ path: base, prefix: true, handle }];
}

/** Every stylesheet and script of the page, read once. */
function readAssets() {
  const assets = new Map<string, { type: string; body: Buffer }>();
  for (const name of fs.readdirSync(assetsDirectory)) {
    const type = contentTypes[path.extname(name)];
    if (type)
      assets.set(name, {
        type,
        body: fs.readFileSync(path.join(assetsDirectory, name)),
      });
  }
  return assets;
}

/** An HTML file of the page with its `{{name}}`s filled in, escaped. */
function template(name: string, values: Record<string, string>) {
  const html = fs.readFileSync(path.join(assetsDirectory, name), "utf8");
  return html.replace(/\{\{(\w+)\}\}/g, (_, key: string) =>
    escapeHtml(values[key] ?? ""),
  );
}

function escapeHtml(text: string) {
  return text.replace(
    /[&<>"']/g,
    (character) => `&#${character.charCodeAt(0)};`,
  );
}
