"""Golden values for greenml's optimizer and tiny-MLP tests, computed with PyTorch.

Run:  /usr/bin/python3 tools/golden/tiny_mlp_golden.py
(Debian python3-torch 1.13, float32, CPU). The printed numbers are pasted into
greenml-core/src/test/java/dev/greenml/optim/GoldenValuesTest.java. Not part of CI.
"""
import torch

torch.set_printoptions(precision=9)
W1 = [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [-0.7, 0.8, 0.9], [0.05, -0.15, 0.25]]
B1 = [0.01, -0.02, 0.03, -0.04]
W2 = [[0.2, -0.3, 0.1, 0.4], [-0.5, 0.6, -0.2, 0.3]]
B2 = [0.05, -0.05]
X = [[1.0, 2.0, -1.0], [0.5, -1.5, 2.0]]
Y = [[0.3, -0.2], [1.0, 0.5]]
LABELS = [1, 0]


def model():
    m = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    with torch.no_grad():
        m[0].weight.copy_(torch.tensor(W1)); m[0].bias.copy_(torch.tensor(B1))
        m[2].weight.copy_(torch.tensor(W2)); m[2].bias.copy_(torch.tensor(B2))
    return m


def run(name, make_opt, loss_kind):
    m = model()
    opt = make_opt(m.parameters())
    x = torch.tensor(X)
    losses = []
    for step in range(3):
        out = m(x)
        if loss_kind == "mse":
            loss = torch.nn.functional.mse_loss(out, torch.tensor(Y))
        else:
            loss = torch.nn.functional.cross_entropy(out, torch.tensor(LABELS))
        if step == 0:
            print(f"// {name}: forward output of step 0 = {[f'{v:.9g}f' for v in out.flatten().tolist()]}")
        losses.append(loss.item())
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"// {name}: losses of steps 0..2 = {[f'{v:.9g}f' for v in losses]}")
    for k, p in m.state_dict().items():
        print(f"//   {name} after 3 steps {k} = {[f'{v:.9g}f' for v in p.flatten().tolist()]}")


run("adam", lambda p: torch.optim.Adam(p, lr=0.01), "mse")
run("adamw", lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1), "mse")
run("adam_l2", lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1), "mse")
run("sgd_momentum", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01), "ce")
run("sgd_nesterov", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True), "ce")

# A single parameter with a hand-checkable Adam step: p=1, g=0.5 constant, lr=0.1.
p = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
opt = torch.optim.Adam([p], lr=0.1)
for _ in range(3):
    opt.zero_grad(); p.grad = torch.tensor([0.5, -0.1]); opt.step()
print("// adam single param after 3 steps:", [f"{v:.9g}f" for v in p.tolist()])
