// tsconfig.json maps "eld/extrasmall" to its file (eld's package exports only an "import" condition, which the
// CommonJS loaders of the unit tests and bundles do not match); its types are the package's own.
declare module "eld/extrasmall" {
  export { eld, default } from "eld";
}
