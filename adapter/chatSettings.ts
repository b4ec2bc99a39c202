import { config } from "actionhero";
import { defaultChatConfig, type ChatConfig } from "../src/config";

/** The chat settings, as the plugin's initializer completed them at boot. */
export function chatSettings(): ChatConfig {
  return (config.chat as ChatConfig | undefined) ?? defaultChatConfig;
}
