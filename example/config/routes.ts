export const DEFAULT = { routes: () => ({ get: [] }) };
