import * as path from "path";

// actionhero reads its config when first imported: point it at the test application.
process.env.ACTIONHERO_CONFIG = path.join(
  __dirname,
  "..",
  "fixtures",
  "app",
  "config",
);
// Servers listen on a free port; tests ask the server which.
process.env.PORT = "0";
process.env.SOCKET_PORT = "0";
