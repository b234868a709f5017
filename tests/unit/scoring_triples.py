"""Question / strong answer / weak answer triples for the scorer tests.

Separate from the calibration corpus in bench/ so the tests check calibration rather than
replaying it. Strong answers are written in a candidate's own words, never copied from the
model answer; weak answers are on topic but vague.
"""

from __future__ import annotations

from typing import Any

TRIPLES: list[dict[str, Any]] = [
    {
        "id": "behavioral-deadline",
        "question": {
            "text": "Describe a time you had to deliver under a very tight deadline. How did you decide what to cut?",
            "category": "behavioral",
            "ideal_answer": (
                "Situation: two weeks before a regulatory deadline our compliance export was only half "
                "built. Task: I had to ship something auditors would accept. Action: I listed every "
                "requirement with the compliance lead and split them into must-haves and nice-to-haves, "
                "cut the custom UI in favour of a CSV download, and got the product owner to sign off on "
                "the cuts in writing. I ran daily check-ins and integrated with the auditors' sandbox on "
                "day three to surface risks early. Result: we shipped two days early, passed the audit, "
                "and delivered the deferred UI the following month."
            ),
            "key_points": [
                "Separates hard requirements from nice-to-haves explicitly",
                "Names concrete scope cuts and simpler technical choices",
                "Gets stakeholder agreement on the trade-offs in writing",
                "Manages risk with frequent check-ins or early integration",
                "Delivers with a measurable result and follows up on the deferred work",
            ],
            "keywords": ["deadline", "scope", "must-have", "trade-off", "sign-off", "MVP", "risk"],
        },
        "strong": (
            "Last spring at a logistics startup, our biggest customer moved their launch forward and we "
            "had nine working days to ship a carrier integration that was planned for a month. I was the "
            "tech lead, so I had to decide what we could honestly finish. I went through the spec with "
            "the account manager and marked each item as launch-blocking or not: label printing and "
            "tracking were essential, while rate shopping and the admin dashboard could wait. I replaced "
            "the planned webhook pipeline with a simple polling job every five minutes, which saved about "
            "four days. I wrote the cut list in an email and got the customer's product lead to reply "
            "with approval. We demoed to them every second day to catch problems early. We went live on "
            "day eight, processed 12,000 shipments in the first week, and shipped rate shopping three "
            "weeks later."
        ),
        "weak": (
            "I have worked under tight deadlines many times. I usually work harder and stay late to get "
            "things done, and I cut the less important things. It is important to stay calm and focus."
        ),
    },
    {
        "id": "behavioral-mentoring",
        "question": {
            "text": "Tell me about someone you mentored or helped grow. What did you do, and what changed for them?",
            "category": "behavioral",
            "ideal_answer": (
                "Situation: a junior engineer on my team was strong at coding but avoided design work. "
                "Task: as her mentor I wanted her to lead a feature end to end within two quarters. "
                "Action: in our first one-on-one I asked what she wanted; she wanted to become a senior "
                "engineer. We set a goal of writing and presenting one design doc. I paired with her on "
                "the first draft, then stepped back to only reviewing, and made sure she presented it at "
                "the architecture review. Result: she led the notifications rewrite, cutting delivery "
                "failures by 40%, and was promoted the next cycle."
            ),
            "key_points": [
                "Learns the mentee's own goals first",
                "Sets a concrete growth goal",
                "Gradually hands over ownership instead of doing the work",
                "Creates visibility opportunities for the mentee",
                "Describes a measurable change in the mentee",
            ],
            "keywords": [
                "mentoring",
                "one-on-one",
                "pairing",
                "design doc",
                "code review",
                "ownership",
                "growth",
            ],
        },
        "strong": (
            "At my previous company I mentored Tom, a new graduate who was nervous about production "
            "work. In our first weekly chat I asked where he wanted to be in a year, and he said he "
            "wanted to be trusted with on-call. So we agreed on a concrete goal: handle a full on-call "
            "week alone by the end of the quarter. For the first month we paired on incidents and I drove; "
            "after that he drove and I only watched, and later I was just a phone call away. I also "
            "asked him to present two incident reviews to the wider team so people saw his work. By month "
            "three he ran his on-call week solo, resolved 6 pages without escalating, and our manager "
            "cited it in his performance review."
        ),
        "weak": (
            "I have helped some junior people on my team. I answered their questions and gave them advice "
            "when they needed it. They became better engineers over time."
        ),
    },
    {
        "id": "behavioral-feedback",
        "question": {
            "text": "Tell me about a piece of critical feedback you received. How did you respond?",
            "category": "behavioral",
            "ideal_answer": (
                "Situation: my manager told me after a project review that I dominated design discussions "
                "and quieter engineers stopped contributing. Task: I wanted to understand it and change. "
                "Action: I felt defensive at first, so I asked for two specific examples and checked with "
                "two peers, who confirmed it. I started writing my view in the doc before meetings, asking "
                "others to speak first, and asked my manager to check in monthly. Result: within a "
                "quarter, two junior engineers led design reviews and my peer feedback mentioned it."
            ),
            "key_points": [
                "States the feedback specifically, not a humble-brag",
                "Describes managing the initial reaction and seeking to understand",
                "Validates the feedback with examples from others",
                "Takes concrete behavioural actions",
                "Shows evidence of change and continued feedback-seeking",
            ],
            "keywords": [
                "feedback",
                "self-awareness",
                "specific examples",
                "behaviour change",
                "check-in",
                "growth",
            ],
        },
        "strong": (
            "In my second year, my tech lead told me my code reviews were so blunt that two newer "
            "engineers had stopped asking me for reviews. Honestly my first reaction was to defend myself, "
            "so I just said thanks and asked for a couple of concrete comments I'd written. Reading them "
            "again, I saw that I only pointed out problems and never explained why. I asked one of the "
            "newer engineers over coffee and she confirmed it. I changed how I review: I start with what "
            "works, phrase issues as questions, and link to the reasoning. I also asked my lead to flag it "
            "again in our monthly check-in if it slipped. Three months later both engineers were "
            "requesting my reviews again, and my next 360 review called my feedback constructive."
        ),
        "weak": (
            "Once I got some critical feedback from my manager. I listened to it and I tried to improve. "
            "Feedback is a gift and I always appreciate it."
        ),
    },
    {
        "id": "technical-idempotency",
        "question": {
            "text": "How would you make a payment API safe to retry?",
            "category": "technical",
            "ideal_answer": (
                "Make the operation idempotent. The client sends an idempotency key with each payment "
                "request; the server stores the key with the request hash and the result in a table with "
                "a unique constraint, inside the same transaction as the charge. A retry with the same key "
                "returns the stored result instead of charging again, and a different payload with the "
                "same key is rejected. Clients retry with exponential backoff and jitter only on timeouts "
                "and 5xx errors. Keys expire after e.g. 24 hours. Calls to the payment processor also "
                "pass the key so the processor deduplicates too."
            ),
            "key_points": [
                "The client sends an idempotency key with each request",
                "The server stores the key and result and returns the stored result on retry",
                "A unique constraint or transaction prevents double charging under concurrency",
                "Retries use exponential backoff with jitter",
                "Keys expire after a retention window",
            ],
            "keywords": [
                "idempotency key",
                "retry",
                "unique constraint",
                "exponential backoff",
                "jitter",
                "deduplication",
            ],
        },
        "strong": (
            "The core idea is that repeating the same request must not charge the card twice. So every "
            "payment call carries a client-generated UUID in a header. On the server I insert that UUID "
            "into a requests table that has a unique index on it, in the same database transaction that "
            "records the charge; if the insert conflicts, I look up the saved response and send it back "
            "unchanged. That also handles two retries arriving at the same moment, because only one "
            "insert can win. On the client side, retries only happen on timeouts or 503s, with backoff "
            "that doubles each time plus some randomness so clients don't retry in lockstep. We purge the "
            "stored UUIDs after a day. At my last job we also forwarded the key to Stripe, which "
            "deduplicates on its side."
        ),
        "weak": (
            "You should make sure the API is reliable. If a request fails the client can retry it. You "
            "need to be careful with payments because they involve money."
        ),
    },
    {
        "id": "technical-index",
        "question": {
            "text": "How does a database index speed up queries, and what does it cost?",
            "category": "technical",
            "ideal_answer": (
                "Most relational indexes are B-trees: a sorted, balanced tree of key values pointing to "
                "rows, so a lookup or range scan takes O(log n) page reads instead of a full table scan. "
                "Composite indexes follow the leftmost-prefix rule, and a covering index can answer a "
                "query without touching the table. The costs: every insert, update and delete must also "
                "update each index, indexes use disk and memory, and low-selectivity columns gain little. "
                "Use EXPLAIN to confirm the planner uses the index."
            ),
            "key_points": [
                "An index is a sorted structure such as a B-tree pointing to rows",
                "Lookups become logarithmic instead of a full table scan",
                "Composite indexes depend on column order",
                "Writes become slower because indexes must be updated",
                "Indexes take extra storage and memory",
            ],
            "keywords": [
                "B-tree",
                "full table scan",
                "composite index",
                "write amplification",
                "EXPLAIN",
                "selectivity",
            ],
        },
        "strong": (
            "Without an index the database has to read every row to find matches. An index keeps the "
            "column values sorted in a balanced tree, usually a B-tree, with pointers back to the rows, so "
            "finding a value is a handful of page reads, logarithmic in the table size, and range queries "
            "just walk the leaves. With multi-column indexes the order matters: an index on (user_id, "
            "created_at) helps a query filtering by user_id but not one filtering only by date. The price "
            "is on the write path, since every insert or update must also maintain each index, and the "
            "indexes take space on disk and in the buffer cache. For example, on a 50 million row orders "
            "table in Postgres, adding one index took a query from 4 seconds to 3 ms, but bulk imports "
            "got about 20% slower, so I always check with EXPLAIN ANALYZE."
        ),
        "weak": (
            "An index makes queries faster, like the index of a book. You should add indexes to your "
            "tables. But too many indexes can be bad."
        ),
    },
    {
        "id": "technical-gil",
        "question": {
            "text": "What is Python's GIL and how does it affect concurrent programs?",
            "category": "technical",
            "ideal_answer": (
                "The Global Interpreter Lock is a mutex in CPython that lets only one thread execute "
                "Python bytecode at a time, which simplifies memory management with reference counting. "
                "As a result, threads do not speed up CPU-bound Python code, but they work well for "
                "I/O-bound work because the GIL is released while waiting on I/O. For CPU-bound work use "
                "multiprocessing, native extensions such as NumPy that release the GIL, or asyncio for "
                "many concurrent I/O tasks. Python 3.13 adds an experimental free-threaded build."
            ),
            "key_points": [
                "Only one thread runs Python bytecode at a time",
                "It exists to protect reference counting and memory management",
                "CPU-bound threads do not run in parallel",
                "I/O-bound threads still benefit because the lock is released while waiting",
                "Multiprocessing or native extensions give real parallelism",
            ],
            "keywords": ["GIL", "CPython", "thread", "multiprocessing", "I/O-bound", "CPU-bound"],
        },
        "strong": (
            "In CPython there's one lock around the interpreter, so even with eight threads only one of "
            "them is executing Python bytecode at any moment. It's there mainly because object reference "
            "counts aren't thread-safe, and a single lock was the simple way to protect them. The "
            "practical effect is that splitting a number-crunching loop across threads gives you no "
            "speed-up, sometimes a slowdown. But for network calls it's fine, because a thread waiting "
            "on a socket releases the lock and others run. So for a scraper fetching 500 pages I'd use "
            "threads or asyncio, and for image resizing I'd use a process pool, or NumPy, which drops the "
            "lock inside its C code. The trade-off with processes is the cost of pickling data between them."
        ),
        "weak": (
            "The GIL is a lock in Python. It makes threads slower sometimes. Many people don't like it and "
            "want it removed."
        ),
    },
    {
        "id": "system-design-feed",
        "question": {
            "text": "Design the news feed for a social network.",
            "category": "system_design",
            "ideal_answer": (
                "Clarify scale: say 300 million daily users, each following a few hundred accounts, feed "
                "reads far outnumber posts. Core choice: fan-out on write pushes each new post id into "
                "followers' precomputed feeds in a cache such as Redis, giving fast reads; fan-out on read "
                "assembles the feed at request time. Use a hybrid: push for normal users, pull for "
                "celebrities with millions of followers. Store posts in a sharded database, feed entries "
                "as lists of ids, hydrate with a cache. Rank with a scoring service, paginate with cursors."
            ),
            "key_points": [
                "Estimates scale and the read-heavy pattern",
                "Compares fan-out on write with fan-out on read",
                "Uses a hybrid approach for accounts with huge follower counts",
                "Stores precomputed feeds in a cache",
                "Paginates and ranks the feed",
            ],
            "keywords": ["fan-out", "timeline", "cache", "celebrity", "sharding", "pagination", "ranking"],
        },
        "strong": (
            "Let me assume 100 million daily users who open the app about ten times a day, while only a "
            "fraction post, so we're heavily read-dominated. There are two ways to build a feed. When "
            "someone posts, we can immediately copy the post id into every follower's feed list, so "
            "reading is one lookup; or we can compute the feed when the user opens the app by merging "
            "recent posts from everyone they follow. Copying on post is great for reads but explodes for "
            "an account with 50 million followers, so I'd do both: push for ordinary accounts and merge in "
            "posts from the few huge accounts at read time. Each user's feed list of ids lives in Redis, "
            "capped at around 800 entries, and posts live in a sharded store keyed by post id. The client "
            "pages with a cursor, and a ranking service reorders candidates by predicted engagement. The "
            "trade-off is extra storage and write load in exchange for fast reads."
        ),
        "weak": (
            "The news feed shows posts from friends. I would use a database to store posts and show the "
            "newest posts first. It needs to be scalable because social networks have many users."
        ),
    },
    {
        "id": "system-design-chat",
        "question": {
            "text": "How would you design a one-to-one chat service like WhatsApp?",
            "category": "system_design",
            "ideal_answer": (
                "Requirements: one-to-one messages, delivery and read receipts, offline delivery, say 50 "
                "million concurrent connections. Clients keep a persistent WebSocket connection to a "
                "gateway; a session service maps user to gateway. A message is written to a durable store "
                "partitioned by conversation (e.g. Cassandra) with a per-conversation sequence number, then "
                "routed to the recipient's gateway or, if offline, queued and sent as a push notification. "
                "Acks drive delivery receipts. End-to-end encryption keeps servers blind to content."
            ),
            "key_points": [
                "Keeps persistent connections such as WebSockets to gateway servers",
                "Tracks which server each online user is connected to",
                "Persists messages durably before acknowledging",
                "Orders messages per conversation",
                "Delivers to offline users later with push notifications",
            ],
            "keywords": [
                "WebSocket",
                "message queue",
                "presence",
                "delivery receipt",
                "push notification",
                "ordering",
            ],
        },
        "strong": (
            "I'd assume around 20 million users online at peak, each holding an open WebSocket to one of "
            "many connection servers, because polling at that scale wastes battery and bandwidth. A small "
            "registry in Redis records which connection server each online user is attached to. When Ana "
            "sends a message, her server first writes it to a Cassandra table partitioned by conversation "
            "id with an increasing sequence number, and only then acks to Ana, so nothing is lost if a "
            "server dies. Then we look up Bob: if he's online, his connection server pushes it; if not, it "
            "waits in his inbox and we send an APNs or FCM notification, and his app syncs from his last "
            "sequence number when it reconnects. Receipts are just small messages flowing back the same "
            "way. The trade-off is that per-conversation ordering is easy but global ordering isn't, which "
            "is fine for chat."
        ),
        "weak": (
            "Users send messages to each other through a server. The server stores the messages in a "
            "database and sends them to the other user. It should be fast and reliable."
        ),
    },
    {
        "id": "product-engagement-drop",
        "question": {
            "text": "Daily active users of our photo app dropped 10% last week. How would you investigate?",
            "category": "product",
            "ideal_answer": (
                "First check the data is real: tracking or logging changes, dashboards, time zones. Then "
                "segment the drop by platform, app version, country, new versus returning users and "
                "acquisition channel to localise it. Check internal changes: releases, experiments, "
                "outages, notification changes; then external ones: holidays, competitor launches, app "
                "store changes. Look at the funnel steps around opening the app. Form hypotheses, validate "
                "with data, and propose a fix and a metric to watch."
            ),
            "key_points": [
                "Verifies the data and instrumentation first",
                "Segments the drop by platform, version, region or user cohort",
                "Checks internal changes such as releases, experiments and outages",
                "Considers external causes such as seasonality or competitors",
                "Forms a hypothesis and proposes a fix with a metric",
            ],
            "keywords": [
                "DAU",
                "segmentation",
                "instrumentation",
                "cohort",
                "release",
                "seasonality",
                "funnel",
            ],
        },
        "strong": (
            "Before anything else I'd make sure the drop is real: did a logging change ship, did the "
            "analytics pipeline lag, did we change how an active user is counted? If the numbers hold up, "
            "I'd break the 10% down by iOS versus Android, app version, country and new versus long-time "
            "users, because a drop concentrated in one slice points straight at a cause. Then I'd line it "
            "up with our own changes last week: the 5.2 release, any experiments that started, push "
            "notification volume, and incidents. I'd also look outside: a public holiday in a big market, "
            "or a competitor launch. Say it turns out Android users on 5.2 fell 30% while everyone else is "
            "flat; I'd check crash rates for that version, roll back or hotfix, and track daily actives for "
            "that segment until it recovers."
        ),
        "weak": (
            "I would look at the data to see why users are leaving. Maybe they don't like the app anymore. "
            "Then I would fix the problem and users would come back."
        ),
    },
    {
        "id": "product-prioritize",
        "question": {
            "text": "You have ten feature requests and capacity for two. How do you decide what to build?",
            "category": "product",
            "ideal_answer": (
                "Start from the product goal and the metric it serves this quarter. For each request, "
                "understand the underlying user problem and who asked. Estimate impact on the goal metric, "
                "reach, confidence and effort, for example with RICE, and check strategic fit and "
                "dependencies. Talk to customers and engineering to sharpen estimates. Pick the top two, "
                "explain the decision and what was deferred to stakeholders, and define how success will "
                "be measured after launch."
            ),
            "key_points": [
                "Anchors on the product goal and its metric",
                "Understands the user problem behind each request",
                "Scores impact, reach, confidence and effort with a framework",
                "Communicates the decision and what is deferred to stakeholders",
                "Defines how success is measured after launch",
            ],
            "keywords": ["prioritization", "RICE", "impact", "effort", "roadmap", "stakeholders", "metric"],
        },
        "strong": (
            "I'd start by asking what we're trying to move this quarter, say retention of new teams in their "
            "first month, because a request is only valuable relative to that goal. For each of the ten I'd "
            "dig into the problem behind it and who's asking: five customers in one segment is different "
            "from one loud enterprise deal. Then I'd score them roughly on how many users they reach, how "
            "much they'd move retention, how sure we are, and how many engineer-weeks they cost, and I'd "
            "sanity-check the estimates with the tech lead and a few customer calls. The top two get built. "
            "I'd write a short note to sales and support listing what we're not doing and why, so nobody "
            "is surprised, and for each shipped feature I'd set a target, like 20% adoption in the first "
            "month, and review it after launch."
        ),
        "weak": (
            "I would choose the two features that are the most important. I'd ask my manager and the team "
            "what they think and we would decide together."
        ),
    },
    {
        "id": "ml-class-imbalance",
        "question": {
            "text": "How do you handle a heavily imbalanced classification dataset, such as 1% fraud?",
            "category": "ml",
            "ideal_answer": (
                "Accuracy is misleading: predicting 'not fraud' is 99% accurate. Use precision, recall, "
                "F1 and the precision-recall curve or PR-AUC. Use stratified splits. Rebalance with class "
                "weights in the loss, undersampling the majority or oversampling the minority (e.g. "
                "SMOTE) on the training set only. Tune the decision threshold to the business cost of "
                "false positives versus false negatives. Consider anomaly detection and collecting more "
                "positive labels."
            ),
            "key_points": [
                "Accuracy is misleading on imbalanced data",
                "Uses precision, recall or PR-AUC as metrics",
                "Applies class weights or resampling such as SMOTE",
                "Tunes the decision threshold to business costs",
                "Uses stratified splits and resamples only the training data",
            ],
            "keywords": [
                "class weights",
                "SMOTE",
                "precision",
                "recall",
                "PR-AUC",
                "threshold",
                "stratified",
            ],
        },
        "strong": (
            "First, I wouldn't trust accuracy at all, because a model that never flags fraud is already 99% "
            "accurate. I'd evaluate with precision and recall on the fraud class and look at the area under "
            "the precision-recall curve. When splitting I'd stratify so every fold keeps that 1% rate. For "
            "training, the cheapest fix is to weight fraud examples more heavily in the loss, for example "
            "class_weight in scikit-learn or scale_pos_weight in XGBoost; I might also downsample the "
            "legitimate transactions, but only in the training set so the test set stays realistic. "
            "Finally, I'd choose the cutoff from the costs: if a missed fraud costs 200 dollars and a false "
            "alarm costs 5 dollars of analyst time, I'd move the threshold down until that trade-off balances."
        ),
        "weak": (
            "Imbalanced data is a common problem in machine learning. You need to balance the data so the "
            "model learns better. There are many techniques for this."
        ),
    },
    {
        "id": "ml-drift",
        "question": {
            "text": "How would you monitor a machine learning model in production and detect drift?",
            "category": "ml",
            "ideal_answer": (
                "Log inputs, predictions and, when they arrive, labels. Monitor input feature distributions "
                "against the training baseline with statistics such as PSI or KS tests to detect data "
                "drift, and watch the prediction distribution. When labels arrive, track performance "
                "metrics to detect concept drift. Alert on thresholds, investigate with slices, and retrain "
                "on fresh data on a schedule or when drift triggers, validating before promotion. Also "
                "monitor operational metrics like latency and error rates."
            ),
            "key_points": [
                "Logs inputs, predictions and eventual labels",
                "Compares live feature distributions with the training data",
                "Tracks model performance once labels arrive",
                "Alerts on thresholds and retrains when drift is detected",
                "Monitors operational health such as latency and errors",
            ],
            "keywords": [
                "data drift",
                "concept drift",
                "PSI",
                "KS test",
                "retraining",
                "monitoring",
                "baseline",
            ],
        },
        "strong": (
            "I'd log every request's features and the model's score, and join in the true outcome when it "
            "shows up, which for a churn model might be 30 days later. For the inputs I'd compare each "
            "feature's live histogram with the one from training, using population stability index, and "
            "alert if it goes above about 0.2; for example a new marketing channel can shift the age "
            "distribution overnight. Since labels lag, I'd also watch the distribution of predicted scores "
            "as an early signal. Once outcomes land, I'd track AUC and calibration weekly, broken down by "
            "segment. If performance drops below an agreed bar, we retrain on recent data and only promote "
            "the new model after it beats the current one on a holdout. And the usual service dashboards: "
            "p95 latency, error rate and request volume in Grafana."
        ),
        "weak": (
            "You should monitor the model to make sure it works. If the model gets worse you can retrain "
            "it. Drift is when the data changes."
        ),
    },
]
