import type { IncomingMessage, ServerResponse } from "http";
import { api } from "actionhero";

/** Answers one HTTP request of the plugin's own (metrics, health, the admin page). */
export type ChatHttpHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => Promise<void> | void;

export interface ChatHttpRoute {
  /** The exact path, or with `prefix`, every path under it (`/chat-admin` serves `/chat-admin/...` too). */
  path: string;
  prefix?: boolean;
  handle: ChatHttpHandler;
}

/** What the plugin needs of actionhero's web server. */
interface WebServer {
  handleRequest(request: IncomingMessage, response: ServerResponse): void;
}

/**
 * Serves the plugin's routes on actionhero's web server, ahead of actionhero's own routing: their
 * answers are not JSON (Prometheus text, a page) and carry their own status (503 while chat is
 * unavailable), which an action cannot. Any other request goes to actionhero as before. Returns what
 * undoes it; an app without a web server gets nothing.
 */
export function serveChatHttp(routes: ChatHttpRoute[]): () => void {
  const server = api.servers.servers.web as unknown as WebServer | undefined;
  if (!server || routes.length === 0) return () => undefined;
  const handleRequest = server.handleRequest;
  server.handleRequest = function chatHandleRequest(request, response) {
    const url = new URL(request.url ?? "/", "http://localhost");
    const route = routes.find((candidate) => matches(candidate, url.pathname));
    if (!route) return handleRequest.call(this, request, response);
    Promise.resolve(route.handle(request, response, url)).catch(
      (error: unknown) => {
        if (!response.headersSent)
          response.writeHead(500, { "content-type": "text/plain" });
        response.end(`chat: ${String(error)}\n`);
      },
    );
  };
  return () => {
    server.handleRequest = handleRequest;
  };
}

function matches({ path, prefix }: ChatHttpRoute, pathname: string) {
  if (pathname === path) return true;
  return prefix === true && pathname.startsWith(`${path}/`);
}

/** Answers with a JSON body and a status. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
) {
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
  });
  response.end(JSON.stringify(body));
}
