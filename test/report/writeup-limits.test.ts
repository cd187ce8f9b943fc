/**
 * The class of hole: a writeup whose size is the attack. A block of 200,000 commands once overflowed the stack in the
 * parser (found by test/e2e/fuzz-files.test.ts); a writeup runs at most MAX_WRITEUP_COMMANDS commands, and prove reads
 * at most MAX_WRITEUP_BYTES of it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { MAX_WRITEUP_BYTES, MAX_WRITEUP_COMMANDS } from "../../src/io/limits.js";
import { parseWriteup } from "../../src/report/writeup.js";
import { expectBadInput, tempDir } from "../e2e/cli.js";

describe("writeups are bounded", () => {
  it("200,000 commands in one block: one error naming the block, no stack overflow", () => {
    const text = `# w\n\n\`\`\`console\n${"$ ccbound --version\n".repeat(200_000)}\`\`\`\n`;
    let error: unknown;
    try {
      parseWriteup(text, "w.md");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CcboundError);
    expect((error as CcboundError).oneLine()).toBe(
      `w.md:3: more than ${MAX_WRITEUP_COMMANDS} checked commands in one writeup`,
    );
  });

  it("exactly the limit is fine", () => {
    const text = `\`\`\`console\n${"$ ccbound --version\n".repeat(MAX_WRITEUP_COMMANDS)}\`\`\`\n`;
    expect(parseWriteup(text, "w.md").commands).toHaveLength(MAX_WRITEUP_COMMANDS);
  });

  it("prove refuses a writeup over the size limit before reading it", () => {
    const path = join(tempDir(), "big.md");
    writeFileSync(path, "x".repeat(MAX_WRITEUP_BYTES + 1));
    expectBadInput(["prove", path], new RegExp(`more than the limit of ${MAX_WRITEUP_BYTES} bytes`));
  });
});
