"""Calibration/benchmark corpus for the answer scorer (kept apart from the unit-test triples).

Each item: a question as the scorer sees it, a strong answer (a candidate's own words, never a copy
of the model answer) and a weak one (on topic but vague). Off-topic answers are made by pairing a
question with another item's strong answer.
"""

from __future__ import annotations

from typing import Any

CORPUS: list[dict[str, Any]] = [
    {
        "question": {
            "text": "Tell me about a time you disagreed with a teammate. What did you do?",
            "category": "behavioral",
            "ideal_answer": (
                "Situation: on our payments team, a senior colleague wanted to rewrite the checkout "
                "service in Go before the holiday freeze; I thought the risk was too high with six weeks "
                "left. Task: we needed one plan the team could commit to. Action: I asked for a one-on-one "
                "instead of arguing in the design review and restated his case until he agreed I had it "
                "right. Then I proposed we test both options against data. Two days of profiling showed "
                "70% of the latency came from two N+1 queries. Result: p99 dropped to 280 ms within a "
                "week, the rewrite was dropped by mutual agreement and we kept working well together."
            ),
            "key_points": [
                "Describes a real disagreement with the specific point of contention",
                "Talks privately and first understands the other person's reasoning",
                "Uses data or an experiment to resolve it rather than authority",
                "Reaches a concrete decision and states the outcome with a number",
                "Preserves the working relationship and reflects on a lesson",
            ],
            "keywords": ["disagreement", "one-on-one", "data", "profiling", "compromise", "latency"],
        },
        "strong": (
            "At my last company I was on the search team, and a colleague wanted to switch our ranking "
            "service from Elasticsearch to a custom Rust index. I disagreed because we had a launch in a "
            "month. Rather than fight in the team meeting, I set up a call with him and asked him to walk "
            "me through why he wanted it; his real worry was query latency during peak traffic. I "
            "suggested we run a benchmark on a copy of production traffic before deciding. The test "
            "showed that tuning the shard count cut p95 latency from 450 ms to 190 ms without a rewrite. "
            "We agreed to tune now and revisit the rewrite later, and he presented the results to the "
            "team. We still pair regularly, and I learned that most disagreements are about missing data."
        ),
        "weak": (
            "I usually get along with everyone, but sometimes people disagree. When that happens I try to "
            "talk it out and find a middle ground. Communication is really important in a team and in "
            "the end we worked it out."
        ),
    },
    {
        "question": {
            "text": "How does a hash map work, and what happens when two keys collide?",
            "category": "technical",
            "ideal_answer": (
                "A hash map stores key-value pairs in an array of buckets. A hash function turns the key "
                "into an integer, and the index is that hash modulo the array size, so lookups, inserts "
                "and deletes are O(1) on average. Two keys can land in the same bucket: separate chaining "
                "keeps a list (or a tree, in Java 8) per bucket, while open addressing probes for the next "
                "free slot with linear or quadratic probing. When the load factor passes a threshold such "
                "as 0.75 the table is resized and entries are rehashed, which keeps chains short. A poor "
                "hash function or adversarial keys degrade it to O(n)."
            ),
            "key_points": [
                "A hash function maps the key to a bucket index",
                "Average constant-time lookup and insert",
                "Collisions handled by chaining or open addressing",
                "Resizing and rehashing when the load factor grows",
                "Worst case degrades to linear time with bad hashing",
            ],
            "keywords": ["hash function", "bucket", "chaining", "open addressing", "load factor", "O(1)"],
        },
        "strong": (
            "Under the hood it's an array, and each key goes through a hash function whose result, "
            "modulo the array length, picks the slot. That's why get and put are constant time on "
            "average. Collisions happen because many keys share a slot: Python's dict uses open "
            "addressing and probes for another free slot, while Java's HashMap keeps a linked list per "
            "bucket and turns it into a red-black tree after 8 entries. Once the table is about 75% "
            "full it doubles and every entry is rehashed, which is an O(n) step but amortised away. The "
            "trade-off is that with a bad hash or attacker-chosen keys everything piles into one bucket "
            "and lookups become linear, which is why languages randomise string hashing."
        ),
        "weak": (
            "A hash map is a data structure that stores keys and values. It is very fast. If two keys "
            "collide then the hash map handles it somehow, I think it just stores both of them."
        ),
    },
    {
        "question": {
            "text": "Design a URL shortener like bit.ly.",
            "category": "system_design",
            "ideal_answer": (
                "Clarify requirements: shorten a long URL, redirect quickly, maybe 100 million new links "
                "a month and a read-heavy 100:1 ratio. Generate short codes with base62 encoding of a "
                "unique id from a counter or a key-generation service, avoiding collisions; 7 characters "
                "give 3.5 trillion codes. Store code to URL in a key-value store such as DynamoDB or "
                "Cassandra, partitioned by code. Put a cache like Redis in front for hot links and serve "
                "redirects with 301 or 302 through a CDN. Track clicks asynchronously through a queue. "
                "Discuss expiry, abuse prevention and the trade-off between 301 caching and analytics."
            ),
            "key_points": [
                "Estimates scale and the read-heavy traffic pattern",
                "Generates unique short codes, e.g. base62 of an id",
                "Stores the mapping in a scalable key-value store",
                "Caches hot redirects",
                "Handles analytics asynchronously",
            ],
            "keywords": ["base62", "redirect", "cache", "key-value store", "collision", "read-heavy"],
        },
        "strong": (
            "First I'd pin down scale: say 50 million new links per month and around 10 thousand "
            "redirects per second at peak, so reads dominate. For the codes I'd take an id from a "
            "sequence allocated in blocks to each app server and encode it in base62, so there are no "
            "collisions and seven characters last for decades. The mapping lives in a partitioned "
            "key-value table, for example DynamoDB keyed on the code. Redirects go through a Redis cache "
            "because a small fraction of links get most of the clicks. Click counting shouldn't slow the "
            "redirect, so I'd push events to Kafka and aggregate them later. One trade-off: a 301 lets "
            "browsers cache the redirect but then we lose analytics, so I'd use 302."
        ),
        "weak": (
            "I would build a website where users paste a link and get a short link back. There would be "
            "a database to store the links and a server. It should be scalable and fast."
        ),
    },
    {
        "question": {
            "text": "How would you improve onboarding for a mobile banking app?",
            "category": "product",
            "ideal_answer": (
                "Start by defining the goal: more new users reaching a first meaningful action, such as a "
                "funded account, within seven days. Look at the funnel to find the biggest drop-off, for "
                "example identity verification, and talk to users who abandoned. Prioritise fixes by "
                "impact and effort: let people explore before KYC, save progress, auto-capture ID photos "
                "and explain why data is needed. Test changes with A/B experiments, measure activation "
                "and guardrails such as fraud rate, and iterate."
            ),
            "key_points": [
                "Defines a success metric such as activation or funded accounts",
                "Uses funnel data to find the biggest drop-off",
                "Talks to users to understand why they abandon",
                "Prioritises concrete fixes by impact and effort",
                "Validates with experiments and guardrail metrics",
            ],
            "keywords": ["activation", "funnel", "drop-off", "KYC", "A/B test", "retention"],
        },
        "strong": (
            "I'd first decide what good onboarding means, probably the share of sign-ups who fund their "
            "account in the first week. Then I'd pull the funnel to see where people quit; in banking "
            "it's often the identity check, where you ask for a passport photo and a selfie. I'd watch "
            "session recordings and call ten people who dropped to learn whether it's trust, effort or "
            "bugs. Likely fixes: let users look around with a demo balance before verification, keep "
            "their progress if they leave, and auto-detect the document edges. I'd rank these by "
            "expected lift against engineering cost, ship the top one as an experiment, and watch fraud "
            "and support tickets as guardrails so we don't trade safety for conversion."
        ),
        "weak": (
            "I would make the onboarding simpler and nicer. Users like apps that are easy to use, so I "
            "would reduce the number of screens and make the design more modern. Then more people would "
            "use the app."
        ),
    },
    {
        "question": {
            "text": "How do you detect and prevent overfitting in a machine learning model?",
            "category": "ml",
            "ideal_answer": (
                "Overfitting is when a model learns noise in the training data and generalises poorly. "
                "Detect it by comparing training and validation performance: a large gap, or validation "
                "loss rising while training loss falls, is the sign. Use a held-out test set and k-fold "
                "cross-validation. Prevent it with more data or augmentation, simpler models, "
                "regularisation such as L1/L2 or dropout, early stopping on validation loss, and for "
                "trees limiting depth. Also check for leakage, which can hide overfitting."
            ),
            "key_points": [
                "Defines overfitting as fitting noise and generalising poorly",
                "Detects it from the gap between training and validation performance",
                "Uses cross-validation or a held-out test set",
                "Applies regularisation, dropout or simpler models",
                "Uses early stopping or more data",
            ],
            "keywords": ["validation", "regularization", "dropout", "early stopping", "cross-validation"],
        },
        "strong": (
            "The model memorises quirks of the training set instead of the underlying pattern, so it "
            "looks great in training and disappoints on new data. I watch the learning curves: if "
            "training accuracy keeps climbing to 99% while validation stalls at 80%, that gap is the "
            "warning. With small datasets I use 5-fold cross-validation so one lucky split doesn't fool "
            "me, and I keep a test set I only touch at the end. To fix it I'd add L2 weight decay or "
            "dropout, shrink the network, stop training when validation loss hasn't improved for a few "
            "epochs, or collect more labelled data. On a churn model I once found the gap was really "
            "leakage from a feature computed after the label date."
        ),
        "weak": (
            "Overfitting is bad because the model is too good on training data. To prevent it you can "
            "use machine learning best practices and test the model properly before using it."
        ),
    },
    {
        "question": {
            "text": "What is the difference between a process and a thread?",
            "category": "technical",
            "ideal_answer": (
                "A process is an instance of a running program with its own address space, file "
                "descriptors and resources, isolated by the operating system. Threads live inside a "
                "process and share its memory and resources, each with its own stack and registers. "
                "Threads are cheaper to create and switch, and communicate through shared memory, which "
                "needs synchronisation such as locks and risks race conditions. Processes communicate via "
                "IPC such as pipes or sockets and a crash in one does not take down the others. In "
                "CPython the GIL means CPU-bound work scales with processes rather than threads."
            ),
            "key_points": [
                "Processes have separate memory address spaces",
                "Threads share the memory of their process",
                "Threads are lighter to create and switch",
                "Shared memory needs synchronisation such as locks",
                "Processes are isolated so a crash does not spread",
            ],
            "keywords": ["address space", "shared memory", "context switch", "IPC", "locks", "GIL"],
        },
        "strong": (
            "Each process gets its own virtual memory from the OS, so one process can't read another's "
            "variables without something like a pipe or a socket. Threads run inside one process and see "
            "the same heap, although each keeps its own stack. Because nothing has to be copied or "
            "remapped, spawning and switching threads is much cheaper. The flip side is that two threads "
            "writing the same data need a mutex or you get race conditions, whereas if a worker process "
            "segfaults the parent survives. For example in Python I use multiprocessing for CPU-heavy "
            "work because of the GIL, and threads for I/O like downloading 200 files."
        ),
        "weak": (
            "A process is bigger and a thread is smaller. Programs use them to do things at the same "
            "time. Threads are part of processes."
        ),
    },
    {
        "question": {
            "text": "How would you design a rate limiter for a public API?",
            "category": "system_design",
            "ideal_answer": (
                "Clarify limits: per API key, e.g. 1000 requests per minute, with bursts allowed. Choose "
                "an algorithm: token bucket allows bursts and is simple; sliding window log is precise but "
                "memory heavy; sliding window counter is a good compromise. Store counters in Redis with "
                "atomic increments or a Lua script so all API servers share state, with TTLs. Return HTTP "
                "429 with Retry-After and rate limit headers. Consider fail-open versus fail-closed when "
                "Redis is down, and local caches to cut latency."
            ),
            "key_points": [
                "Defines the limit per client key and window",
                "Chooses an algorithm such as token bucket or sliding window",
                "Shares counters across servers in a fast store like Redis",
                "Returns 429 with retry information",
                "Decides what happens when the limiter store fails",
            ],
            "keywords": ["token bucket", "sliding window", "Redis", "429", "distributed", "burst"],
        },
        "strong": (
            "I'd key limits on the API key, say 600 requests per minute on the free tier, and allow short "
            "bursts. A token bucket fits that: each key refills at 10 tokens per second and holds up to "
            "100. Since we run many gateway nodes, the bucket state lives in Redis and I'd update it with "
            "a Lua script so the read and decrement are atomic. When a client runs out we answer 429 and "
            "send Retry-After so well-behaved clients back off. If Redis is unreachable I'd fail open for "
            "paying customers, because blocking all traffic is worse than briefly over-serving, but log it "
            "loudly."
        ),
        "weak": (
            "A rate limiter limits the rate of requests. I would count requests and block users who send "
            "too many. This protects the API from abuse."
        ),
    },
    {
        "question": {
            "text": "Explain precision and recall, and when you would prefer one over the other.",
            "category": "ml",
            "ideal_answer": (
                "Precision is the share of predicted positives that are truly positive: TP / (TP + FP). "
                "Recall is the share of actual positives the model finds: TP / (TP + FN). Raising the "
                "decision threshold usually increases precision and lowers recall. Prefer recall when "
                "missing a positive is costly, such as cancer screening or fraud detection; prefer "
                "precision when false alarms are costly, such as spam filtering that hides real email. F1 "
                "balances both, and the precision-recall curve shows the trade-off."
            ),
            "key_points": [
                "Precision is the fraction of predicted positives that are correct",
                "Recall is the fraction of actual positives that are found",
                "The decision threshold trades one against the other",
                "Prefers recall when missed positives are costly",
                "Prefers precision when false positives are costly",
            ],
            "keywords": ["false positive", "false negative", "threshold", "F1", "trade-off"],
        },
        "strong": (
            "Precision answers: of everything the model flagged, how much was right? Recall answers: of "
            "everything that really was positive, how much did we catch? If a fraud model flags 100 "
            "transactions and 80 are fraud, precision is 80%; if there were 200 frauds in total, recall is "
            "40%. Moving the score threshold up makes the model pickier, so precision goes up and recall "
            "goes down. For medical screening I'd favour recall because a missed tumour is far worse than "
            "a follow-up test. For an email spam filter I'd favour precision because losing a real email "
            "annoys users more than one spam getting through."
        ),
        "weak": (
            "Precision and recall are metrics for classification. They are both important and you should "
            "look at both of them. It depends on the problem which one is better."
        ),
    },
    {
        "question": {
            "text": ("Tell me about a project that failed or didn't go the way you planned. What did you learn?"),
            "category": "behavioral",
            "ideal_answer": (
                "Situation: I led a three-person effort to build a self-serve data export that sales said "
                "twelve enterprise customers were waiting for. Task: ship in one quarter and get half of "
                "them using it. Action: we built exactly what the sales notes described, and I never "
                "talked to the customers' engineers myself. After launch only two accounts used it. I ran "
                "eight customer calls, learned they wanted a Snowflake share, wrote a post-mortem owning "
                "the discovery gap, and we pivoted. Result: nine of twelve adopted the share, but we lost "
                "a quarter. Since then I talk to users before writing a spec."
            ),
            "key_points": [
                "Describes a genuine failure with real cost, not a disguised success",
                "Takes personal ownership of their part in it",
                "Explains the root cause specifically",
                "Describes corrective action and what happened next",
                "Names a concrete changed behaviour they apply since",
            ],
            "keywords": ["post-mortem", "root cause", "ownership", "pivot", "lesson", "customer"],
        },
        "strong": (
            "Two years ago I owned the rollout of a new mobile checkout at a food delivery startup. We "
            "planned a big-bang release for all 400 thousand users on one Friday. I skipped a staged "
            "rollout because I was confident in our tests, and that was my call. Within an hour, orders "
            "on older Android phones started failing because a payment SDK crashed on Android 9. We "
            "rolled back, but we lost roughly 3% of that day's orders. I ran the post-mortem and the root "
            "cause was clear: no device coverage for old OS versions and no percentage rollout. I added "
            "feature-flagged rollouts at 1, 10 and 50% and a device farm check in CI. Since then every "
            "release I lead goes out gradually."
        ),
        "weak": (
            "One project didn't go well because there were many problems and the requirements changed. "
            "It was hard for the whole team. I learned a lot from it and I would do things differently "
            "next time."
        ),
    },
    {
        "question": {
            "text": "Walk me through the data pipeline project on your resume.",
            "category": "resume",
            "kind": "resume",
            "ideal_answer": "",
            "key_points": [],
            "keywords": ["Airflow", "Spark", "pipeline", "data quality", "latency"],
        },
        "strong": (
            "At Acme Retail I rebuilt the nightly sales pipeline that fed our pricing team. The old cron "
            "jobs took about 7 hours and failed twice a week. I was responsible for the redesign, so I "
            "moved the jobs to Airflow with one task per store region and rewrote the heavy joins in "
            "Spark. I also added data quality checks with row counts and null thresholds that page us "
            "before bad data lands. As a result the run dropped to 90 minutes and failures went from "
            "about 8 a month to one, and the pricing team got their reports before 6am."
        ),
        "weak": (
            "It was a data pipeline that moved data from one place to another. I worked on it with my "
            "team and we used some tools. It worked well."
        ),
    },
]
