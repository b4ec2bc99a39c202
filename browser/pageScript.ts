// What the app serves at /public/ah-chat-client.js: the browser client for a page's <script> tag,
// as one global, `AhChat`, set on `globalThis` so that module scripts see it too.
import * as AhChat from "./index";

(globalThis as typeof globalThis & { AhChat: typeof AhChat }).AhChat = AhChat;
