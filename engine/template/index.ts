// Public API of the template subsystem.
export { Templater, type DeepWhere } from './templater.js';
export { evalCondition, ConditionEvaluator, MAX_CONDITION_LENGTH, type Condition } from './condition.js';
export { HELPERS, LENIENT_HELPERS } from './helpers.js';
export { HELPER_DOCS, CEL_DOCS, type HelperDoc, type CelDoc } from './reference.js';
