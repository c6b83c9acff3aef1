// liuhaotian/llava-v1.5-7b (original layout, F16 .bin shards, the tower named by hub id and given with
// --vision-tower) through every command.
import { conformanceMatrix } from "./matrix.ts";

conformanceMatrix({
  repo: "liuhaotian/llava-v1.5-7b",
  folder: "liuhaotian--llava-v1.5-7b",
  kind: "llava",
  layout: "llava",
  towerFlag: true,
});
