/**
 * A replica worker of data-parallel training (data-parallel.ts): builds the model on its own
 * backend, then per message copies the published parameters and computes its rows of a training
 * step, its chunks of the clustering pass's encodings, or its users of an evaluation, meeting rank 0
 * at the shared barrier.
 * It updates its share of the shared parameters with every rank (Exchange.update) and takes its
 * variables from there, so replicas cannot drift from rank 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parentPort, workerData } from 'node:worker_threads';
import { carryError } from '../core/errors';
import { connectDb } from '../store/db';
import { initBackend, type BackendPreference } from './backend';
import { leaveOneOutCases, sampleInput, trainingSamples } from './data';
import { answerRanks } from './evaluate';
import { Exchange, type FromReplica, type ReplicaInit, type ToReplica } from './data-parallel';
import { RecommenderModel } from './model';
import { Rng } from './rng';
import { tableFactoryFor } from './table-kinds';
import { encodeSampleChunks, shardGradients } from './train-step';

const port = parentPort!;
const init = workerData as ReplicaInit;
const post = (msg: FromReplica) => port.postMessage(msg);
const s = init.settings;
const exchange = new Exchange(init.buffers, init.layout, init.workers, s.batchSize, s.hiddenSize);

try {
  await initBackend(init.backend as BackendPreference);
  const db = init.table ? connectDb(init.table.dbFile, { readonly: true }) : undefined;
  const tableFactory = db ? tableFactoryFor(db, init.table!.dataset, s) : undefined;
  db?.close(); // the factory has read the frozen semantic view
  const model = new RecommenderModel(init.data.numItems, s, new Rng(s.seed), tableFactory);
  const vars = model.variables();
  const samples = trainingSamples(init.data);
  const source = { input: (i: number) => sampleInput(init.data, samples, i, s.maxSeqLength), target: (i: number) => samples.target[i]! };
  let version = -1;
  port.on('message', (msg: ToReplica) => {
    if (msg.type === 'stop') return port.close();
    try {
      if (msg.version !== version) {
        exchange.readParameters(vars, (v, values) => tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32'))));
        version = msg.version;
      }
      if (msg.type === 'step') {
        if (init.rank >= msg.plan.shards) return; // a batch smaller than the pool
        const share = shardGradients(model, s, source, msg.plan, init.rank, exchange.rows(msg.plan.shards));
        exchange.writeShare(init.rank, share);
        tf.dispose([...share.grads.values()]);
        exchange.update(init.rank, msg.plan.shards, s, msg.plan.optimizerStep);
      } else if (msg.type === 'rank') {
        const options = { maxSeqLength: s.maxSeqLength, batchSize: s.evalBatchSize, part: { rank: init.rank, workers: init.workers } };
        void answerRanks(model, leaveOneOutCases(init.data, msg.split), options)
          .then((ranks) => {
            exchange.writeRanks(ranks);
            exchange.barrier(init.workers);
          })
          .catch((error: unknown) => exchange.failWith(`worker ${init.rank}`, error));
      } else {
        encodeSampleChunks(model, s, source, msg.count, init.rank, init.workers, exchange.encoded);
        exchange.barrier(init.workers);
      }
    } catch (error) {
      exchange.failWith(`worker ${init.rank}`, error);
    }
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'failed', error: carryError(error) });
}
