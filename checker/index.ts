// The linearizability checker: models, the search, the history recorder, formats and the report.
export * from './model';
export * from './check';
export * from './recorder';
export * from './formats';
export { kvModel, type KvInput, type KvOutput, type KvState, type KvOp } from './models/kv';
export {
  casRegisterModel,
  type CasInput,
  type CasOutput,
  type CasState,
} from './models/cas-register';
export { writeHtmlReport, renderHtmlReport } from './report';
