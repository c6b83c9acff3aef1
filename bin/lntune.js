#!/usr/bin/env node
// Entry point of the `lntune` command: the sources are TypeScript, run through tsx's loader.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
await main(process.argv);
