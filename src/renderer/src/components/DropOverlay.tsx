export function DropOverlay() {
  return (
    <div className="drop-overlay" data-testid="drop-overlay">
      <div className="drop-box">
        <strong>Drop to import</strong>
        <span>ONNX (.onnx), TFLite (.tflite), a TF.js model folder (model.json with its .bin shards; named after the folder), or PyTorch (.pt TorchScript, .py with an nn.Module)</span>
      </div>
    </div>
  );
}
