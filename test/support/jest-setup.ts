import { takeViolations } from './description-violations';

// Every test fails when a helper saw an answer or a frame that the API descriptions do not allow.
afterEach(() => {
  const violations = takeViolations();
  if (violations.length) throw new Error(`not allowed by the API descriptions:\n- ${violations.join('\n- ')}`);
});
