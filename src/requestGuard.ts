/**
 * Whether a parsed JSON value nests objects and arrays deeper than `max`. It walks without recursion,
 * as the value may come from a client and be nested far deeper than the stack allows.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== "object") continue;
    if (depth > max) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/** What is wrong with a request that arrived as JSON, or null: it must be an object, nested at most `maxDepth` deep. */
export function jsonRequestProblem(
  request: unknown,
  maxDepth: number,
): string | null {
  if (request === null || typeof request !== "object" || Array.isArray(request))
    return "a request must be a JSON object";
  if (nestedDeeperThan(request, maxDepth))
    return `a request may nest objects and arrays at most ${maxDepth} levels deep`;
  return null;
}
