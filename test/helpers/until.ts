/**
 * Waits for a condition that another process changes (a file php-fpm writes, a counter behind a
 * socket) when there is no event to await: re-checks every few ms, and gives up after a bound so
 * a broken test fails instead of hanging. Returns whether the condition became true.
 */
export async function until(check: () => boolean | Promise<boolean>, limitMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}
