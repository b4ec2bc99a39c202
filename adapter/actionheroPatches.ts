import { api } from "actionhero";
import type { ChatEngine } from "../src/chatEngine";
import {
  guardWebsocketInput,
  takeWebsocketFramesInTurn,
} from "./guardWebsocketInput";
import {
  leaveRoomsOnDestroy,
  routeApiChatRoom,
  routeChatRoomExport,
  routeChatVerbs,
} from "./routeActionheroChat";
import { countOversizeFrames } from "./oversizeFrames";
import { batchWebsocketAnswers } from "./websocketAnswers";
import { destroyDisconnectedSparkDirectly } from "./websocketDisconnection";

type Undo = () => void;

/**
 * When a patch is applied: at `initialize`, before actionhero builds its servers (its servers
 * initializer loads after the plugin's), or at `servers`, once they exist and before they start.
 */
type PatchTime = "initialize" | "servers";

interface ActionheroPatch {
  when: PatchTime;
  apply(engine: ChatEngine): Undo;
}

/** Every change the plugin makes to actionhero, in the order it is applied; it is undone the other way. */
const patches: readonly ActionheroPatch[] = [
  // ws decodes a client's burst of frames in one go unless told not to, holding up every other client.
  { when: "initialize", apply: takeWebsocketFramesInTurn },
  // Server code calls `api.chatRoom`: it must be the plugin's engine, not core's chat.
  { when: "initialize", apply: routeApiChatRoom },
  // Code that imports `chatRoom` from actionhero calls its members: they must reach the engine too.
  { when: "initialize", apply: routeChatRoomExport },
  // Every server's chat verbs run through `Connection.prototype.verbs`, which runs core's chat.
  { when: "initialize", apply: routeChatVerbs },
  // Core's `connection.destroy()` leaves core's rooms only: the engine's must be left too.
  { when: "initialize", apply: leaveRoomsOnDestroy },
  // Core's chat pub/sub handler (set as core's chat starts, before this) would deliver a second time.
  { when: "servers", apply: removeCoreChatHandler },
  // Some websocket input stops actionhero's node, and it reads a connection's requests without bound.
  { when: "servers", apply: guardWebsocketInput },
  // Its answers would leave in writes of their own, apart from the room messages of the same turn.
  { when: "servers", apply: batchWebsocketAnswers },
  // A websocket closed by ws for a frame too large is closed out of the plugin's sight: it is counted.
  { when: "servers", apply: countOversizeFrames },
  // It finds a disconnected spark's connection by scanning them all: O(N²) when N drop at once.
  { when: "servers", apply: destroyDisconnectedSparkDirectly },
];

export interface ActionheroPatches {
  /** Applies the patches of actionhero's servers: call once they exist, before they start. */
  patchServers(): void;
  /** Undoes every patch applied, the last one first. */
  undo(): void;
}

/** Applies the patches that can be applied before actionhero's servers exist; the rest wait for `patchServers`. */
export function patchActionhero(engine: ChatEngine): ActionheroPatches {
  const undos: Undo[] = [];
  const apply = (when: PatchTime) => {
    for (const patch of patches)
      if (patch.when === when) undos.push(patch.apply(engine));
  };
  apply("initialize");
  return {
    patchServers: () => apply("servers"),
    undo: () => {
      for (const undo of undos.splice(0).reverse()) undo();
    },
  };
}

function removeCoreChatHandler(): Undo {
  const handlers = api.redis.subscriptionHandlers;
  const coreHandler = handlers.chat;
  delete handlers.chat;
  return () => {
    if (coreHandler) handlers.chat = coreHandler;
  };
}
