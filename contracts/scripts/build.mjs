// Compiles every contract in src/ with the npm solc compiler and writes build/<Name>.json.
// `--check` compiles afresh and fails when the committed artifacts differ, without writing anything.
// The Python side loads the committed artifacts, so it needs no Node at run time.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync, unlinkSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import solc from "solc";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "src");
const BUILD = join(ROOT, "build");
const NODE_MODULES = join(ROOT, "node_modules");
const EIP170_LIMIT = 24576; // bytes of runtime code a contract may have on mainnet and L2s
// OpenZeppelin contracts that we deploy unmodified and therefore need artifacts for.
const EXTERNAL_CONTRACTS = new Set(["TimelockController"]);

// Cancun is what anvil and current L2s (Base, Optimism, Arbitrum) all run; pinning it keeps the
// bytecode the same whatever the compiler's default becomes.
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "cancun",
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "metadata"] } },
};

function listSources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listSources(path);
    return entry.name.endsWith(".sol") ? [path] : [];
  });
}

// Source unit names are relative ("src/X.sol", "@openzeppelin/..."), so the metadata hash, and hence the
// bytecode, is the same on every clone whatever its absolute path.
function compilerInput() {
  const sources = {};
  for (const path of listSources(SRC)) {
    sources[relative(ROOT, path).split(sep).join("/")] = { content: readFileSync(path, "utf8") };
  }
  return { language: "Solidity", sources, settings: SETTINGS };
}

function findImport(path) {
  const candidate = join(NODE_MODULES, path);
  if (!candidate.startsWith(NODE_MODULES) || !existsSync(candidate)) return { error: `not found: ${path}` };
  return { contents: readFileSync(candidate, "utf8") };
}

function compile() {
  const output = JSON.parse(solc.compile(JSON.stringify(compilerInput()), { import: findImport }));
  const problems = output.errors ?? [];
  // OpenZeppelin's own warnings are not ours to fix; ours and every error are shown.
  const shown = problems.filter((p) => p.severity === "error" || p.sourceLocation?.file?.startsWith("src/"));
  for (const problem of shown) console.error(problem.formattedMessage);
  if (problems.some((p) => p.severity === "error")) throw new Error("compilation failed");
  return output.contracts;
}

// A hash of every source file (ours and OpenZeppelin's) that went into one contract, from its metadata.
function sourceHash(metadata) {
  const lines = Object.entries(JSON.parse(metadata).sources)
    .map(([path, source]) => `${path} ${source.keccak256}`)
    .sort();
  return "sha256:" + createHash("sha256").update(lines.join("\n")).digest("hex");
}

function artifacts(contracts) {
  const result = new Map();
  for (const [sourceName, byName] of Object.entries(contracts)) {
    const ours = sourceName.startsWith("src/");
    for (const [name, out] of Object.entries(byName)) {
      const deployed = out.evm.deployedBytecode.object;
      if (!deployed || !(ours || EXTERNAL_CONTRACTS.has(name))) continue; // skip interfaces, libraries' deps
      result.set(name, {
        contractName: name,
        sourceName,
        compiler: { name: "solc", version: solc.version() },
        settings: { optimizer: SETTINGS.optimizer, evmVersion: SETTINGS.evmVersion },
        sourceHash: sourceHash(out.metadata),
        runtimeSize: deployed.length / 2,
        abi: out.abi,
        bytecode: "0x" + out.evm.bytecode.object,
        deployedBytecode: "0x" + deployed,
      });
    }
  }
  return result;
}

function checkSizes(built) {
  const tooBig = [...built.values()].filter((a) => a.runtimeSize > EIP170_LIMIT);
  for (const a of tooBig) console.error(`${a.contractName}: runtime ${a.runtimeSize} B > ${EIP170_LIMIT} B (EIP-170)`);
  return tooBig.length === 0;
}

const serialise = (artifact) => JSON.stringify(artifact, null, 2) + "\n";
const committedNames = () =>
  existsSync(BUILD) ? readdirSync(BUILD).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)) : [];

function check(built) {
  const stale = [];
  for (const [name, artifact] of built) {
    const path = join(BUILD, `${name}.json`);
    if (!existsSync(path) || readFileSync(path, "utf8") !== serialise(artifact)) stale.push(`${name} differs`);
  }
  for (const name of committedNames()) if (!built.has(name)) stale.push(`${name} has no source any more`);
  for (const line of stale) console.error(`stale artifact: ${line}`);
  if (stale.length) console.error("run `make contracts-build` and commit contracts/build/");
  return stale.length === 0;
}

function write(built) {
  mkdirSync(BUILD, { recursive: true });
  for (const name of committedNames()) if (!built.has(name)) unlinkSync(join(BUILD, `${name}.json`));
  for (const [name, artifact] of built) writeFileSync(join(BUILD, `${name}.json`), serialise(artifact));
  for (const a of built.values()) console.log(`${a.contractName.padEnd(24)} ${String(a.runtimeSize).padStart(6)} B`);
}

const built = artifacts(compile());
const sizesOk = checkSizes(built);
if (process.argv.includes("--check")) {
  process.exit(check(built) && sizesOk ? 0 : 1);
}
if (!sizesOk) process.exit(1);
write(built);
