"""Indexer throughput: a full sync of 10,000+ events into SQLite against bare eth_getLogs of the same ranges.

    .venv/bin/python benchmarks/indexer.py [--events 10000] [--rounds 5]

Starts its own anvil and a temporary SQLite database (removed at the end). Prints each round, then
`ratio=<median sync / median raw>`; the goal is 1.5 or less.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.django_setup import django_in

TX_PER_BLOCK = 200
GAS = hex(200_000)


def _rpc(client, method: str, params: list) -> object:
    response = client.w3.provider.make_request(method, params)
    if "error" in response:
        raise RuntimeError(f"{method}: {response['error']}")
    return response["result"]


def _generate(client, dao_deployment, members, funders, events: int) -> None:
    """Token transfers between delegated members (3 events each) and escrow funding (3 events each)."""
    from governance.chain.escrow import PrizeEscrow
    from governance.chain.token import GovernanceToken

    token = GovernanceToken(client, dao_deployment.token)
    escrow = PrizeEscrow(client, dao_deployment.escrow)
    now = client.latest_timestamp()
    challenge_id = escrow.create_challenge(
        sender=members[0],
        spec_hash=b"\x01" * 32,
        submission_deadline=now + 86400,
        award_deadline=now + 40 * 86400,
    )
    for funder in funders:
        token.approve(sender=funder, spender=escrow.address, amount=10**30)
    transfer = token.contract.functions.transfer
    fund = escrow.contract.functions.fund
    _rpc(client, "evm_setAutomine", [False])
    for sent, n in enumerate(range(events // 3 + 1), start=1):
        if n % 3 == 2:
            sender = funders[n % len(funders)].address
            data = fund(challenge_id, 10**15 + n)._encode_transaction_data()
            to = escrow.address
        else:
            sender = members[n % len(members)].address
            data = transfer(members[(n + 1) % len(members)].address, 10**15 + n)._encode_transaction_data()
            to = token.address
        _rpc(client, "eth_sendTransaction", [{"from": sender, "to": to, "data": data, "gas": GAS}])
        if sent % TX_PER_BLOCK == 0:
            _rpc(client, "evm_mine", [])
    _rpc(client, "evm_mine", [])
    _rpc(client, "evm_setAutomine", [True])


def _raw_seconds(client, addresses, first: int, last: int, size: int) -> tuple[float, int]:
    from governance.indexer.sync import block_ranges

    started = time.perf_counter()
    count = sum(len(client.get_logs(addresses, lo, hi)) for lo, hi in block_ranges(first, last, size))
    return time.perf_counter() - started, count


def _web3_seconds(client, addresses, first: int, last: int, size: int) -> float:
    from governance.indexer.sync import block_ranges

    started = time.perf_counter()
    for lo, hi in block_ranges(first, last, size):
        client.w3.eth.get_logs({"address": list(addresses), "fromBlock": lo, "toBlock": hi})
    return time.perf_counter() - started


def _sync_seconds(client, deployment, last: int) -> tuple[float, int]:
    from governance.indexer.mirror import mirror_clear
    from governance.indexer.sync import chain_sync
    from governance.models import ChainEvent, ChainSyncCursor

    mirror_clear(deployment=deployment)
    ChainEvent.objects.all().delete()
    ChainSyncCursor.objects.all().delete()
    started = time.perf_counter()
    result = chain_sync(deployment=deployment, client=client, to_block=last)
    return time.perf_counter() - started, result.events_added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--ranges",
        default="",
        help="more range sizes to compare, comma-separated (the setting's comes first)",
    )
    parser.add_argument("--profile", action="store_true", help="print where one sync spends its time")
    parser.add_argument("--parts", action="store_true", help="time each step of a sync alone, against raw")
    options = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="clueboard-indexer-bench-"))
    try:
        django_in(root)
        ranges = [int(size) for size in options.ranges.split(",") if size]
        _run(options.events, options.rounds, ranges, options.profile, options.parts)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run(events: int, rounds: int, ranges: list[int], profile: bool, parts: bool) -> None:
    from django.conf import settings

    from governance.chain.anvil import AnvilProcess, dev_accounts
    from governance.chain.deploy import TOKEN_UNIT, deploy_contracts
    from governance.chain.token import GovernanceToken
    from governance.models import ChainDeployment, DelegateMirror, PoolMirror

    accounts = dev_accounts(20)
    members, funders = accounts[1:11], accounts[11:16]
    with AnvilProcess(accounts=20) as client:
        holders: dict[str, int] = {a.address: 100_000 * TOKEN_UNIT for a in (*members, *funders)}
        d = deploy_contracts(client=client, deployer=accounts[0], members=holders)
        token = GovernanceToken(client, d.token)
        for account in (*members, *funders):
            token.delegate(sender=account, delegatee=account.address)
        started = time.perf_counter()
        _generate(client, d, members, funders, events)
        last = client.block_number()
        print(f"generated blocks {d.first_block}..{last} in {time.perf_counter() - started:.1f} s")
        deployment = ChainDeployment.objects.create(
            chain_id=d.chain_id, token=d.token, timelock=d.timelock, governor=d.governor, escrow=d.escrow,
            prize_token=d.prize_token, guardian=accounts[0].address, first_block=d.first_block,
        )  # fmt: skip
        addresses = sorted({d.token, d.governor, d.escrow})
        sizes = [settings.CHAIN_SYNC_BLOCK_RANGE, *ranges]
        for size in sizes:
            settings.CHAIN_SYNC_BLOCK_RANGE = size
            ratio = _compare(client, deployment, addresses, d.first_block, last, size, rounds)
        if parts:
            _parts(client, deployment, addresses, d.first_block, last, rounds)
        if profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(_sync_seconds, client, deployment, last)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        assert PoolMirror.objects.get(deployment=deployment).funded > 0
        assert DelegateMirror.objects.filter(deployment=deployment).count() == len(members) + len(funders)
        print(f"ratio={ratio:.2f}")


def _compare(client, deployment, addresses, first: int, last: int, size: int, rounds: int) -> float:
    raw_times, sync_times = [], []
    for round_number in range(1, rounds + 1):
        # Alternate which runs first, so that warm caches favour neither.
        if round_number % 2:
            raw, count = _raw_seconds(client, addresses, first, last, size)
            synced, stored = _sync_seconds(client, deployment, last)
        else:
            synced, stored = _sync_seconds(client, deployment, last)
            raw, count = _raw_seconds(client, addresses, first, last, size)
        assert stored == count, "every log of the three contracts is stored"
        raw_times.append(raw)
        sync_times.append(synced)
        print(f"  range={size} round {round_number}: logs={count} raw={raw:.3f}s sync={synced:.3f}s")
    raw_median, sync_median = statistics.median(raw_times), statistics.median(sync_times)
    web3 = _web3_seconds(client, addresses, first, last, size)
    ratio = sync_median / raw_median
    print(
        f"range={size} blocks: events={count} raw eth_getLogs={raw_median:.3f}s sync={sync_median:.3f}s "
        f"({count / sync_median:,.0f} events/s; web3's formatted get_logs={web3:.3f}s) ratio={ratio:.2f}"
    )
    return ratio


def _parts(client, deployment, addresses, first: int, last: int, rounds: int) -> None:
    """Each step of one sync over the whole range, alone and in order: where the time over raw goes."""
    from django.db import transaction

    from governance.indexer.decode import INDEXED_CONTRACTS, LogDecoder
    from governance.indexer.inserts import events_insert
    from governance.indexer.mirror import mirror_apply, mirror_clear
    from governance.indexer.sync import _Reader
    from governance.models import ChainEvent

    contracts = {getattr(deployment, field): name for field, name in INDEXED_CONTRACTS.items()}
    reader = _Reader(deployment, client, LogDecoder(contracts), sorted(contracts))
    steps: dict[str, list[float]] = {"raw": [], "decode": [], "insert": [], "mirror": [], "commit": []}
    for _ in range(rounds):
        mirror_clear(deployment=deployment)
        ChainEvent.objects.all().delete()
        marks = [time.perf_counter()]
        logs = client.get_logs(addresses, first, last)
        marks.append(time.perf_counter())
        events = reader.events(reader.decoder.decode(logs))
        marks.append(time.perf_counter())
        with transaction.atomic():
            events_insert(deployment.pk, events)
            marks.append(time.perf_counter())
            mirror_apply(deployment=deployment, events=events)
            marks.append(time.perf_counter())
        marks.append(time.perf_counter())
        for name, start, end in zip(steps, marks[:-1], marks[1:], strict=True):
            steps[name].append(end - start)
    raw = statistics.median(steps["raw"])
    print("parts (median of each step, and its share of raw):")
    for name, times in steps.items():
        print(f"  {name:<7}{statistics.median(times):.3f}s  {statistics.median(times) / raw:.2f}x raw")


if __name__ == "__main__":
    main()
