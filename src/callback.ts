export type NodeCallback<T> = (error: Error | null, result?: T) => void;

/**
 * Lets a promise-returning method also take a trailing Node-style callback.
 * The promise is still returned, and is handled, so a caller using only the callback sees no unhandled rejection.
 */
export function withCallback<T>(
  promise: Promise<T>,
  callback?: NodeCallback<T>,
): Promise<T> {
  if (typeof callback === "function") {
    promise.then(
      (result) => callback(null, result),
      (error: Error) => callback(error),
    );
  }
  return promise;
}
