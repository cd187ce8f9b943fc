/**
 * No command writes over one of its inputs: `convert m.json m.json --format float16` and `merge --cert m.json` once
 * replaced the model they read. Two paths are one file when they resolve alike, when their real paths agree (a
 * symlink, `./`, `..`), or when both exist with one device and inode (a hard link). Checked before anything is read
 * or computed, so a refused command costs nothing.
 */
import { realpathSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { CcboundError } from "../errors.js";
import { isSafetensorsPath } from "./model-file.js";
import { sidecarPath } from "./pytorch-import.js";

export interface FileRole {
  readonly path: string;
  /** What the file is to the command, for the message: "--cert", "OUT", "the model file". */
  readonly role: string;
}

/** The files a model path reads: the model, and a safetensors file's sidecar when there is one. */
export function modelInputs(path: string): FileRole[] {
  const inputs = [{ path, role: "the model file" }];
  const sidecar = sidecarPath(path);
  if (isSafetensorsPath(path) && sidecar !== path) inputs.push({ path: sidecar, role: "the model's sidecar" });
  return inputs;
}

interface Identity {
  readonly resolved: string;
  readonly real: string | undefined;
  readonly inode: string | undefined;
}

function identity(path: string): Identity {
  let real: string | undefined;
  let inode: string | undefined;
  try {
    real = realpathSync(path);
    const s = statSync(path);
    inode = `${s.dev}:${s.ino}`;
  } catch {
    // not there (yet): only its resolved name can meet another path
  }
  return { resolved: resolve(path), real, inode };
}

function sameFile(a: Identity, b: Identity): boolean {
  return (
    a.resolved === b.resolved ||
    (a.real !== undefined && a.real === b.real) ||
    (a.inode !== undefined && a.inode === b.inode)
  );
}

/** Throws "invalid-flag", naming the output's flag, when an output is an input or another output. */
export function refuseOverwrite(outputs: readonly FileRole[], inputs: readonly FileRole[]): void {
  const ins = inputs.map((i) => ({ ...i, id: identity(i.path) }));
  const outs = outputs.map((o) => ({ ...o, id: identity(o.path) }));
  outs.forEach((out, k) => {
    const input = ins.find((i) => sameFile(out.id, i.id));
    if (input)
      throw new CcboundError(
        "invalid-flag",
        `${out.path} is ${input.role} (${input.path}): writing it would overwrite an input of this command`,
        out.role,
        "write somewhere else",
      );
    const other = outs.slice(0, k).find((o) => sameFile(out.id, o.id));
    if (other)
      throw new CcboundError(
        "invalid-flag",
        `${out.path} is also where ${other.role} writes (${other.path}): one would overwrite the other`,
        out.role,
      );
  });
}
