/** How scenario 1 splits a phase cycle at its history events (bench/lib/flows.ts, phaseLegs). */
import { temporal } from '@temporalio/proto';
import { meanLegs, phaseCycles, phaseLegs } from '../../bench/lib/flows';

type Event = temporal.api.history.v1.IHistoryEvent;
// Built through the generated message type, so `seconds` is the protobuf Long the real events carry.
const at = (ms: number) => ({ eventTime: temporal.api.history.v1.HistoryEvent.fromObject({ eventTime: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 } }).eventTime });
const scheduled = (ms: number): Event => ({ ...at(ms), activityTaskScheduledEventAttributes: {} });
const completed = (ms: number): Event => ({ ...at(ms), activityTaskCompletedEventAttributes: {} });
const taskScheduled = (ms: number): Event => ({ ...at(ms), workflowTaskScheduledEventAttributes: {} });
const taskStarted = (ms: number): Event => ({ ...at(ms), workflowTaskStartedEventAttributes: {} });
const taskCompleted = (ms: number): Event => ({ ...at(ms), workflowTaskCompletedEventAttributes: {} });
const upsert = (ms: number): Event => ({ ...at(ms), upsertWorkflowSearchAttributesEventAttributes: {} });

/** Two phases: the first cycle runs from 1000 to 1040 ms; the last phase has no next one, so no cycle. */
const history: Event[] = [
  scheduled(1000),
  completed(1010),
  taskScheduled(1010),
  taskStarted(1015),
  taskCompleted(1037),
  upsert(1037),
  scheduled(1040),
  completed(1050),
  taskScheduled(1050),
  taskStarted(1052),
  taskCompleted(1060),
];

describe('phaseLegs', () => {
  it('splits each cycle at the activity completing and the deciding task starting and completing', () => {
    expect(phaseLegs(history)).toEqual([{ activity: 10, toWorkflowTask: 5, workflowTask: 22, toNextPhase: 3 }]);
  });

  it('has one entry per phase cycle, and its legs add up to the cycle', () => {
    const legs = phaseLegs(history);
    expect(legs).toHaveLength(phaseCycles(history).length);
    const { activity, toWorkflowTask, workflowTask, toNextPhase } = legs[0];
    expect(activity + toWorkflowTask + workflowTask + toNextPhase).toBe(phaseCycles(history)[0]);
  });

  it('skips a cycle whose activity never completed before the next was scheduled (a retry or a cancel)', () => {
    expect(phaseLegs([scheduled(0), taskScheduled(5), taskStarted(6), taskCompleted(7), scheduled(9)])).toEqual([]);
  });

  it('averages each leg over the cycles', () => {
    const legs = [
      { activity: 10, toWorkflowTask: 5, workflowTask: 20, toNextPhase: 1 },
      { activity: 12, toWorkflowTask: 7, workflowTask: 24, toNextPhase: 0 },
    ];
    expect(meanLegs(legs)).toEqual({ activity: 11, toWorkflowTask: 6, workflowTask: 22, toNextPhase: 0.5 });
  });
});
