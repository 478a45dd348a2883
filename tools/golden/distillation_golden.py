# Golden values for greenml's DistillationLoss (greenml-core/src/test/java/dev/greenml/autograd/DistillationLossTest.java).
# loss = alpha*T^2*KL(softmax(t/T) || softmax(z/T)) + (1-alpha)*CE(y, z), mean over rows; printed with its gradient dL/dz.
# Run: /usr/bin/python3 tools/golden/distillation_golden.py   (PyTorch 1.13, float64 to keep the reference exact)
import torch
import torch.nn.functional as F

z = torch.tensor([[1.0, -0.5, 2.0, 0.25], [0.0, 3.0, -1.0, 0.5], [-2.0, 0.5, 0.75, 1.5]], dtype=torch.float64, requires_grad=True)
t = torch.tensor([[2.0, 0.0, 1.0, -1.0], [0.5, 2.5, 0.0, 0.0], [-1.0, -1.0, 2.0, 0.5]], dtype=torch.float64)
y = torch.tensor([2, 1, 3])
T, alpha = 3.0, 0.7
kl = F.kl_div(F.log_softmax(z / T, dim=1), F.softmax(t / T, dim=1), reduction="batchmean")
loss = alpha * T * T * kl + (1 - alpha) * F.cross_entropy(z, y)
loss.backward()
print("loss", repr(loss.item()))
print("grad", [repr(v) for v in z.grad.flatten().tolist()])
