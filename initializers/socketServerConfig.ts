import { config, Initializer } from "actionhero";
import { defaultSocketServerConfig } from "../socketProtocol/socketConfig";

/** Completes `config.socket` with its defaults before actionhero builds its servers from `config[type]`. */
export class SocketServerConfigInitializer extends Initializer {
  constructor() {
    super();
    this.name = "ah-chat-plugin:socket-config";
    this.loadPriority = 100;
  }

  async initialize() {
    config.socket = { ...defaultSocketServerConfig(), ...config.socket };
  }
}
