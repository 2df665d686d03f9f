"""The part of an exported training script that runs the epochs: the engine's loop, for one process or many."""

MAIN = '''
def start() -> tuple[int, int, torch.device]:
    """This process's rank, the number of processes, and its device; joins the process group under torchrun."""
    world, rank = int(os.environ.get("WORLD_SIZE", "1")), int(os.environ.get("RANK", "0"))
    cuda = torch.cuda.is_available() and SETTINGS["device"] in ("auto", "cuda")
    device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0"))) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    elif CPU_THREADS:
        torch.set_num_threads(CPU_THREADS)
    if world > 1:
        distributed.init_process_group("nccl" if cuda else "gloo")
    return rank, world, device


def load(device: torch.device, rank: int, world: int) -> tuple[torch.Tensor, ...]:
    """The training samples (all of them) and this process's share of the validation samples, on ``device``."""
    arrays = np.load(DATA, allow_pickle=False)
    target = torch.int64 if TASK == "classification" else torch.float32
    x_train = torch.from_numpy(arrays["x_train"]).to(device)
    y_train = torch.from_numpy(arrays["y_train"]).to(device, target)
    x_val = torch.from_numpy(arrays["x_val"][rank::world]).to(device)
    y_val = torch.from_numpy(arrays["y_val"][rank::world]).to(device, target)
    return x_train, y_train, x_val, y_val


def starting_network() -> nn.Module:
    """The network with the seed's fresh weights, then the starting weights Designer matched to its blocks, if any."""
    network = DesignedNetwork()
    if STARTING_WEIGHTS is not None:
        state = torch.load(STARTING_WEIGHTS, map_location="cpu", weights_only=True)
        unexpected = network.load_state_dict(state, strict=False).unexpected_keys
        if unexpected:
            raise SystemExit(f"{STARTING_WEIGHTS.name} has {', '.join(unexpected)}, which the network lacks")
    return network


def train_epoch(model, optimizer, schedule, generator, data, rank, world, autocast) -> Tally:
    """One pass over the training samples in a seeded order; each process takes its share of every batch."""
    x_all, y_all = data[0], data[1]
    model.train()
    tally = Tally(TASK, x_all.device, NUM_CLASSES)
    order = torch.randperm(len(x_all), device=x_all.device, generator=generator)
    batch_size = SETTINGS["batch_size"]
    for i in range(steps_per_epoch(len(x_all), batch_size)):
        index = order[i * batch_size : (i + 1) * batch_size]
        x, y = x_all[index], y_all[index]
        if AUGMENTATION is not None:
            x = augment(x, AUGMENTATION, generator)
        x, y = x[rank::world], y[rank::world]
        with autocast():
            output = model(x)
            # a share left empty by a batch smaller than the processes still joins the gradient exchange
            loss = compute_loss(TASK, output, y) if len(y) else output.float().sum() * 0.0
        optimizer.zero_grad(set_to_none=True)
        # weighted so that the gradients averaged over the processes are those of the whole batch's mean loss
        (loss * (len(y) * world / len(index))).backward()
        if SETTINGS["gradient_clipping"] > 0:
            nn.utils.clip_grad_norm_(model.parameters(), SETTINGS["gradient_clipping"])
        optimizer.step()
        schedule.after_step()
        tally.add(output, y)
    return tally


def evaluate(model, data, autocast) -> Tally:
    """The loss and errors on this process's validation samples."""
    x_val, y_val = data[2], data[3]
    model.eval()
    tally = Tally(TASK, x_val.device, NUM_CLASSES)
    batch = max(SETTINGS["batch_size"], 256)
    with torch.inference_mode(), autocast():
        for start in range(0, len(x_val), batch):
            x, y = x_val[start : start + batch], y_val[start : start + batch]
            tally.add(model(x), y)
    return tally


def result(tally: Tally, world: int) -> dict[str, Any]:
    if world > 1:
        reduce_tally(tally)
    return tally.result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=SETTINGS["epochs"], help="passes over the training samples")
    parser.add_argument("--out", type=Path, default=Path("train-run"), help="folder for the weights and metrics")
    args = parser.parse_args()
    settings = {**SETTINGS, "epochs": args.epochs}
    rank, world, device = start()
    data = load(device, rank, world)
    torch.manual_seed(settings["seed"])
    network = starting_network().to(device)
    model = network
    if world > 1:
        model = DistributedDataParallel(network, device_ids=[device] if device.type == "cuda" else None)
    optimizer = make_optimizer(settings, network.parameters())
    schedule = Schedule(settings, optimizer, steps_per_epoch(len(data[0]), settings["batch_size"]))
    generator = torch.Generator(device=device).manual_seed(settings["seed"])
    bf16 = device.type == "cuda" and settings["precision"] != "fp32" and torch.cuda.is_bf16_supported()
    autocast = (lambda: torch.autocast("cuda", dtype=torch.bfloat16)) if bf16 else contextlib.nullcontext
    metric, higher = settings["monitor"], settings["monitor"] == "val_accuracy"
    best, stale = None, 0
    if rank == 0:
        args.out.mkdir(parents=True, exist_ok=True)
        print(f"training on {world} process(es), {device}{' bf16' if bf16 else ''}: {len(data[0])} samples")
        for line in STARTING_FROM:
            print(line)
    for epoch in range(1, args.epochs + 1):
        started = time.perf_counter()
        train = result(train_epoch(model, optimizer, schedule, generator, data, rank, world, autocast), world)
        val = result(evaluate(network, data, autocast), world)
        monitored = val[metric.removeprefix("val_")]
        schedule.after_epoch(monitored)
        improved = best is None or (monitored > best if higher else monitored < best)
        best, stale = (monitored, 0) if improved else (best, stale + 1)
        if rank == 0:
            seconds, parts = time.perf_counter() - started, (("train", train), ("val", val))
            shown = "  ".join(f"{part} " + " ".join(f"{k} {v:.4f}" for k, v in m.items()) for part, m in parts)
            speed = f"{len(data[0]) / seconds:,.0f} samples/s"
            print(f"epoch {epoch}/{args.epochs}  {shown}  {speed}" + ("  *" if improved else ""))
            with (args.out / "metrics.jsonl").open("a", encoding="utf-8") as metrics:
                metrics.write(json.dumps({"epoch": epoch, "train": train, "val": val}) + "\\n")
            torch.save(network.state_dict(), args.out / "last.pt")
            if improved:
                torch.save(network.state_dict(), args.out / "best.pt")
        patience = settings["early_stopping_patience"]
        if patience is not None and stale >= patience:
            break
    if rank == 0:
        print(f"best {metric} {best:.4f}; weights in {args.out}")
    if world > 1:
        distributed.destroy_process_group()
'''
"""Names it uses that the rest of the script defines: SETTINGS, TASK, DATA, STARTING_WEIGHTS, STARTING_FROM,
NUM_CLASSES, AUGMENTATION, CPU_THREADS, DesignedNetwork, and Designer's own definitions copied in (Tally,
compute_loss, reduce_tally, steps_per_epoch, make_optimizer, Schedule, augment)."""
