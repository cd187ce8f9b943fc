/** The four ways a `torch.save` file is refused, each one CcboundError line naming the file and docs/pytorch.md. */
import { CcboundError } from "../../errors.js";

const HINT = "see docs/pytorch.md";

/** The archive or the pickle is not what torch.save writes: truncated, inconsistent, out of range. */
export function malformed(what: string, where: string): never {
  throw new CcboundError("malformed-pt", `malformed PyTorch file: ${what}`, where, HINT);
}

/** The pickle asks for something a state dict never needs: a global, an opcode, a call. Nothing was run. */
export function refused(what: string, where: string): never {
  throw new CcboundError(
    "refused-pickle",
    `refused: ${what}; ccbound reads state dicts of tensors and never runs or imports anything from a file`,
    where,
    HINT,
  );
}

/** A limit of PT_LIMITS: the file may be fine, but it is bigger than this version of ccbound reads. */
export function tooLarge(what: string, where: string): never {
  throw new CcboundError("too-large", `${what}, the limit of this version of ccbound`, where, HINT);
}

/** A well-formed file that holds something other than a state dict of readable tensors (a legacy or TorchScript file, a complex tensor). */
export function unreadable(what: string, where: string): never {
  throw new CcboundError("invalid-model", what, where, HINT);
}
