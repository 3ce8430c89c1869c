// Files imported `with { type: 'file' }` resolve to a path (inside the compiled binary's virtual
// filesystem once built).
declare module '*.wasm' {
  const path: string;
  export default path;
}
declare module '*.data' {
  const path: string;
  export default path;
}
declare module '*.tar.gz' {
  const path: string;
  export default path;
}
