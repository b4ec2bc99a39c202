// Imported first by the fake-mode test, before actionhero reads its config.
process.env.CHAT_FAKE = "true";
