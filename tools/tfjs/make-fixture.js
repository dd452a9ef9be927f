#!/usr/bin/env node
// Builds the course's seed model in TensorFlow.js (its Layers API is Keras), trains it for a few
// epochs on the sunspots training split, saves it in the TF.js layers format and writes reference
// inputs/outputs computed by TensorFlow.js's own kernels. The outputs are the Keras importer's
// test fixtures (training/src/test/resources/keras/); CI reads them and needs no Node.js.
//
//   cd tools/tfjs && npm ci && node make-fixture.js [--epochs 3] [--out <dir>]
//
// Two facts shape this script:
// - The course's last layer is Lambda(lambda x: x * 400). TF.js cannot run Python, so the saved
//   topology carries a custom layer registered under Keras's class name "Lambda" with Keras's
//   config keys (function_type "lambda", the source text in "function" where Keras would store
//   marshalled bytecode); it multiplies by 400 when TF.js runs it.
// - TF.js's conv1d cannot run "causal" padding. The saved model says "causal" (as the course's
//   does); training and the reference outputs run a twin with "valid" padding and the same
//   weights on input with kernelSize-1 leading zeros, which is exactly the causal result.
'use strict';

const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

const SCALE = 400;
const KERNEL = 5;
const PAD = KERNEL - 1;
const WINDOW = 60;
const SPLIT = 3000;
const BATCH = 100;
const SEED = 42;

function arg(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

const repo = path.resolve(__dirname, '..', '..');
const epochs = Number(arg('epochs', '3'));
const outDir = path.resolve(arg('out', path.join(repo, 'training/src/test/resources/keras')));
const csvPath = path.resolve(arg('data', path.join(repo, '..', 'shared/data/sunspots/Sunspots.csv')));

/** The course's Lambda(lambda x: x * 400), under Keras's class name and config keys. */
class ScaleLambda extends tf.layers.Layer {
  constructor(config) {
    super(config);
    this.factor = SCALE;
  }
  call(inputs) {
    return tf.tidy(() => tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, this.factor));
  }
  computeOutputShape(inputShape) {
    return inputShape;
  }
  getConfig() {
    // Keras 2 writes function = [base64 marshalled bytecode, defaults, closure]; TF.js has no
    // Python, so the source text stands in. The importer never runs or decodes it.
    return Object.assign(super.getConfig(), {
      function: ['lambda x: x * ' + SCALE, null, null],
      functionType: 'lambda',
      module: '__main__',
      outputShape: null,
      outputShapeType: 'raw',
      outputShapeModule: null,
      arguments: {},
    });
  }
  static get className() {
    return 'Lambda';
  }
}
tf.serialization.registerClass(ScaleLambda);

/** Mulberry32: a small seeded PRNG so shuffling and fixture windows are reproducible. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed model; padding "causal" for the saved topology, "valid" for the runnable twin. */
function seedModel(padding) {
  const s = (k) => ({ seed: SEED + k });
  const model = tf.sequential({ name: 'sequential' });
  model.add(tf.layers.conv1d({
    name: 'conv1d', filters: 32, kernelSize: KERNEL, strides: 1, padding, activation: 'relu',
    inputShape: [null, 1], kernelInitializer: tf.initializers.glorotUniform(s(1)),
  }));
  model.add(tf.layers.lstm({
    name: 'lstm', units: 64, returnSequences: true, recurrentActivation: 'sigmoid',
    kernelInitializer: tf.initializers.glorotUniform(s(2)),
    recurrentInitializer: tf.initializers.orthogonal(s(3)),
  }));
  model.add(tf.layers.lstm({
    name: 'lstm_1', units: 64, returnSequences: true, recurrentActivation: 'sigmoid',
    kernelInitializer: tf.initializers.glorotUniform(s(4)),
    recurrentInitializer: tf.initializers.orthogonal(s(5)),
  }));
  model.add(tf.layers.dense({
    name: 'dense', units: 30, activation: 'relu',
    kernelInitializer: tf.initializers.glorotUniform(s(6)),
  }));
  model.add(tf.layers.dense({
    name: 'dense_1', units: 10, activation: 'relu',
    kernelInitializer: tf.initializers.glorotUniform(s(7)),
  }));
  model.add(tf.layers.dense({
    name: 'dense_2', units: 1, kernelInitializer: tf.initializers.glorotUniform(s(8)),
  }));
  model.add(new ScaleLambda({ name: 'lambda' }));
  return model;
}

function readSeries(file) {
  const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/).slice(1);
  return lines.map((l) => Number(l.split(',')[2]));
}

/** Inputs with PAD leading zeros: shape [n, len + PAD, 1]. */
function padded(windows) {
  const len = windows[0].length;
  const buf = new Float32Array(windows.length * (len + PAD));
  windows.forEach((w, b) => buf.set(w, b * (len + PAD) + PAD));
  return tf.tensor3d(buf, [windows.length, len + PAD, 1]);
}

async function train(model, series) {
  const train = series.slice(0, SPLIT);
  const xs = [];
  const ys = [];
  for (let i = 0; i + WINDOW + 1 <= train.length; i++) {
    xs.push(train.slice(i, i + WINDOW));
    ys.push(train.slice(i + 1, i + WINDOW + 1));
  }
  const next = rng(SEED);
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
    [ys[i], ys[j]] = [ys[j], ys[i]];
  }
  const x = padded(xs);
  const y = tf.tensor3d(Float32Array.from(ys.flat()), [ys.length, WINDOW, 1]);
  model.compile({
    optimizer: tf.train.momentum(1e-5, 0.9),
    loss: (t, p) => tf.losses.huberLoss(t, p),
    metrics: ['mae'],
  });
  console.log(`training ${epochs} epochs on ${xs.length} windows of ${WINDOW} (points [0, ${SPLIT}))`);
  await model.fit(x, y, {
    epochs, batchSize: BATCH, shuffle: false, verbose: 0,
    callbacks: {
      onEpochEnd: (e, logs) =>
        console.log(`epoch ${e + 1}: huber ${logs.loss.toFixed(3)} mae ${logs.mae.toFixed(3)}`),
    },
  });
  x.dispose();
  y.dispose();
}

/** Reference windows: several lengths (shorter than, equal to, longer than the kernel and W). */
function referenceCases(model, series) {
  const lengths = [1, 4, 5, 12, 30, 60, 90];
  const next = rng(SEED + 100);
  return lengths.map((len) => {
    const windows = [];
    for (let b = 0; b < 3; b++) {
      const start = Math.floor(next() * (series.length - len));
      windows.push(series.slice(start, start + len));
    }
    const out = tf.tidy(() => model.predict(padded(windows)).reshape([windows.length, len]));
    const outputs = out.arraySync();
    out.dispose();
    return { length: len, inputs: windows, outputs };
  });
}

/** Writes model.json + weight shards the way tfjs-converter does (shards split by bytes). */
async function saveLayersModel(model, dir, shardBytes) {
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const data = Buffer.from(artifacts.weightData);
    const count = Math.ceil(data.length / shardBytes);
    const paths = [];
    for (let i = 0; i < count; i++) {
      const name = `group1-shard${i + 1}of${count}.bin`;
      fs.writeFileSync(path.join(dir, name), data.subarray(i * shardBytes, (i + 1) * shardBytes));
      paths.push(name);
    }
    const json = {
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
      convertedBy: null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths, weights: artifacts.weightSpecs }],
    };
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json, null, 1) + '\n');
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
}

async function main() {
  await tf.setBackend('cpu');
  const series = readSeries(csvPath);
  const runnable = seedModel('valid');
  console.log(`seed model: ${runnable.countParams()} parameters`);
  await train(runnable, series);

  const saved = seedModel('causal');
  saved.setWeights(runnable.getWeights());
  const tfjsDir = path.join(outDir, 'tfjs');
  fs.mkdirSync(tfjsDir, { recursive: true });
  await saveLayersModel(saved, tfjsDir, 128 * 1024);

  const cases = referenceCases(runnable, series);
  const reference = {
    description: 'Seed model outputs computed by TensorFlow.js (cpu backend): conv1d with '
      + `${PAD} leading zeros and "valid" padding (= causal), Lambda x * ${SCALE}. `
      + 'Written by tools/tfjs/make-fixture.js.',
    tfjsVersion: tf.version.tfjs,
    backend: tf.getBackend(),
    epochs,
    outputScale: SCALE,
    cases,
  };
  fs.writeFileSync(path.join(outDir, 'reference.json'), JSON.stringify(reference) + '\n');
  const max = Math.max(...cases.flatMap((c) => c.outputs.flat().map(Math.abs)));
  console.log(`wrote ${tfjsDir}/model.json, shards, ${outDir}/reference.json (max |output| ${max.toFixed(1)})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
