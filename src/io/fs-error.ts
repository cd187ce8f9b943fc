/** Turns a Node file-system error into the short reason a user reads ("no such file or directory"). */
export function fsReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    case "ENOTDIR":
      return "a parent of the path is not a directory";
    case "ENOSPC":
      return "no space left on device";
    case "EROFS":
      return "read-only file system";
    default:
      // Node's message is "CODE: text, syscall 'path'"; keep it on one line.
      return error instanceof Error ? error.message.replace(/\s+/g, " ") : String(error);
  }
}
