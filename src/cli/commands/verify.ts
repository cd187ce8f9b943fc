import type { Command } from "commander";
import { readCertificateFile } from "../../io/certificate.js";
import { verifyCertificate } from "../../refute/verify.js";
import { EXIT } from "../exit.js";
import { loadModel, modelOptions, type ModelOptions } from "../load.js";
import { printJson, printRows } from "../print.js";

export function registerVerify(program: Command): void {
  modelOptions(
    program
      .command("verify")
      .description("re-check a certificate by one forward pass and the task's reference answer")
      .argument("<certificate>", "certificate file")
      .requiredOption("--model <file>", "the model the certificate is about")
      .option("--json", "one JSON object on stdout"),
  ).action((certPath: string, o: ModelOptions & { model: string; json?: boolean }) => {
    const cert = readCertificateFile(certPath);
    const loaded = loadModel(o.model, o);
    const check = verifyCertificate(cert, loaded.model, loaded.sha256);
    if (o.json) printJson({ ...check, certificate: certPath, model: o.model });
    else if (check.valid) {
      printRows([
        [
          "valid",
          `the model answers "${check.answer}" on the certificate's input; the task's answer is "${check.expected}"`,
        ],
        [
          "collision",
          !check.collisionChecked
            ? "none recorded"
            : cert.collision?.split !== undefined
              ? `re-run through Theorem 4's protocol at split ${cert.collision.split}: one shared transcript, as recorded`
              : "re-run through Theorem 2's protocol: one shared message, as recorded",
        ],
      ]);
    } else printRows([["INVALID", check.reason]]);
    process.exitCode = check.valid ? EXIT.valid : EXIT.invalid;
  });
}
