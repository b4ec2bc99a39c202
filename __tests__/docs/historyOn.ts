// Imported before actionhero, which reads its config when first imported: the examples of
// presence-and-history.md need history and presence events on in the test application.
process.env.CHAT_HISTORY_SIZE = "100";
process.env.CHAT_PRESENCE_EVENTS = "true";
