# Parc — English messages. Keys are the same in fr.ftl (a unit test checks it).

## Navigation and layout
skip-to-content = Skip to content
nav-main = Main navigation
nav-home = Home
nav-entities = Entities
nav-locations = Locations
nav-users = Users
nav-groups = Groups
nav-api = API reference
search = Search
search-everything = Assets, people, places…
search-nothing = Nothing found.
language = Language
change-language = Change
logout = Log out
tabs = Sections
tab-main = Details
tab-history = History
back-home = Back to the home page
request-id = Request id
pagination = Pages
page-previous = Previous
page-next = Next
home-welcome = Welcome, { $name }
home-profile-hint = Your password, language and API tokens.
home-api-hint = The JSON API, with an interactive reference.
copy = Copy
copied = Copied
yes = Yes
no = No
active = Active
inactive = Disabled

## Lists
list-total = { $count ->
    [one] { $count } item
   *[other] { $count } items
}
list-empty = Nothing here yet.
export-csv = Export CSV
filter-any = Any
filter-apply = Filter

## Actions and messages
action-new = New
action-edit = Edit
action-save = Save
action-cancel = Cancel
action-delete = Delete
action-delete-confirm = Yes, delete
delete-confirm = Delete “{ $name }”? This cannot be undone; its history is kept.
flash-created = Created.
flash-saved = Saved.
flash-deleted = Deleted.
form-has-errors = Some fields need your attention.
stale-edit = { $who } changed this at { $when } while you were editing. Your changes are still in the form: check them against the current values and save again.
stale-edit-short = Someone else changed this in the meantime. Reload and try again.

## Kinds of objects
kind-entity = Entity
kind-location = Location
kind-user = User
kind-group = Group

## Fields
field-name = Name
field-login = Login
field-password = Password
field-email = E-mail
field-phone = Phone
field-entity = Entity
field-location = Location
field-manager = Manager
field-time-zone = Time zone
field-role = Role
field-roles = Roles
field-country = Country
field-city = City
field-address = Address
field-postcode = Postcode
field-notes = Notes
field-description = Description
field-updated = Last change

## Field errors
field-required = Required.
field-too-long = Too long.
field-invalid = Invalid value.
field-invalid-choice = Not a valid choice.
field-invalid-email = Not a valid e-mail address.

## Entities
entity-new = New entity
entity-kind = Kind
entity-parent = Parent entity
entity-children = Sub-entities
entity-name-taken = Another entity with this name has the same parent.
entity-parent-cycle = An entity cannot be placed under itself or one of its sub-entities.
entity-kind-group = Group
entity-kind-subsidiary = Subsidiary
entity-kind-site = Site
entity-kind-department = Department

## Locations
location-new = New location
location-kind = Kind
location-parent = Inside
location-children = Inside this location
location-name-taken = Another location with this name is in the same place.
location-kind-site = Site
location-kind-building = Building
location-kind-floor = Floor
location-kind-room = Room
location-kind-other = Other

## Users
user-new = New user
user-access = Access
user-password-hint = Leave empty: the person cannot log in until a password is set.
login-invalid = A login has no spaces.
login-taken = This login is already used.
email-taken = This e-mail address is already used.
cannot-disable-self = You cannot disable your own account.
cannot-delete-self = You cannot delete your own account.
role-grant = Grant role
role-revoke = Remove
role-revoke-confirm = Remove this role?
role-above-own = You cannot grant a role above your own.
role-admin = Administrator
role-park_manager = Park manager
role-supervisor = Supervisor
role-technician = Technician
role-employee = Employee

## Groups
group-new = New group
group-members = Members
group-add-member = Add a member
group-remove-member = Remove
group-name-taken = Another group of this entity has this name.

## Deletion refused
in-use-users = People still belong to it or work there.
in-use-locations = Locations still belong to it.
in-use-groups = Groups still belong to it.
in-use-role_grants = Roles are still granted on it.
in-use-group_members = It still has members.
in-use-children = It still has items below it (sub-items, or people it manages).
in-use-other = Other records still use it.

## Login and profile
login-title = Log in to Parc
login-submit = Log in
login-failed = Wrong login or password.
login-throttled = Too many attempts. Wait a few minutes and try again.
profile-title = My profile
password-change = Change my password
password-current = Current password
password-new = New password
password-confirm = New password again
password-hint = At least 12 characters. Changing it logs you out everywhere else and revokes your API tokens.
password-current-wrong = This is not your current password.
password-mismatch = The two passwords differ.
password-too-short = At least 12 characters.
password-changed = Password changed.
password-reset = Set a new password
password-reset-hint = The person's sessions and API tokens end.
tokens-title = API tokens
token-name = Token name
token-create = Create a token
token-shown-once = Copy this token now: it will not be shown again.
token-prefix = Starts with
token-created = Created
token-expires = Expires
token-last-used = Last used
token-revoke = Revoke
token-revoke-confirm = Revoke this token? Programs using it will stop working.
token-revoked = Revoked

## History
history-when = When
history-who = Who
history-action = Action
history-changes = Changes
history-create = Created
history-update = Changed
history-delete = Deleted

## Errors
error-not-found = Page not found
error-unauthenticated = Please log in
error-forbidden = You are not allowed to do this
error-bad-request = This request is not valid
error-validation = Some values are not valid
error-unprocessable = Some values are not valid
error-precondition-required = The version you edited is required
error-conflict = Conflict
error-stale-edit = Someone else changed this in the meantime
error-in-use = This is still in use
error-too-many-requests = Too many attempts
error-payload-too-large = The request is too large
error-internal = Something went wrong on our side

## Catalog
nav-catalog = Catalog
kind-manufacturer = Manufacturer
manufacturer-new = New manufacturer
catalog-models = Models
field-url = Web address
field-invalid-url = Give a web address starting with https:// or http://.
field-invalid-date = Give a real date (YYYY-MM-DD).
name-taken = This name is already used.
in-use-asset_models = Models still use it.
kind-asset-status = Asset status
asset-status-new = New status
nav-statuses = Statuses
status-kind = Kind of status
status-kind-deployable = Ready to deploy
status-kind-deployed = In use
status-kind-pending = Away (repair, preparation)
status-kind-archived = Archived
kind-asset-category = Asset category
asset-category-new = New category
nav-categories = Categories
field-tag-pattern = Asset tag pattern
tag-pattern-no-counter = The pattern needs one counter, such as {"{"}#####{"}"}.
tag-pattern-invalid = Use letters, digits, - _ / . and {"{"}YYYY{"}"}, {"{"}YY{"}"}, {"{"}MM{"}"} and one counter {"{"}###{"}"}.
kind-asset-model = Model
asset-model-new = New model
nav-models = Models
field-part-number = Part number
field-end-of-life = End of life
nav-manufacturers = Manufacturers

## Assets
nav-assets = Assets
kind-asset = Asset
asset-new = New asset
field-tag = Asset tag
field-tag-or-automatic = Asset tag (empty: the next one of the category)
field-serial = Serial number
field-status = Status
field-assigned-to = Assigned to
field-assigned-group = Responsible group
field-supplier = Supplier
field-order-number = Order number
field-invoice-number = Invoice number
field-purchase-date = Purchase date
field-price = Price
field-currency = Currency
field-warranty-end = End of warranty
tag-invalid = A tag has letters, digits and - _ / . : # + only.
tag-taken = Another asset has this tag.
serial-taken = Another asset of this manufacturer has this serial number.
field-invalid-currency = A currency is a three-letter code (EUR, USD, GBP).
warranty-before-purchase = The warranty cannot end before the purchase.
field-negative = Cannot be negative.
field-invalid-money = An amount, like 1234.50 or 1 234,50.
error-taken = Already taken
in-use-assets = Assets still use it.
lifecycle = Where it is
checked-out-to = Checked out to { $holder }
expected-return = Expected back
check-out = Check out
check-in = Check in
checkout-to-person = To a person
checkout-to-place = Or to a place
checkout-holder = Holder
checkin-condition = Condition on return
assignment-timeline = Assignment timeline
not-deployable = This asset is not ready to deploy: change its status first.
checked-out = Checked out.
checked-in = Checked in.
checkout-refused = It cannot be checked out: someone holds it already, or it is not ready to deploy.
checkin-refused = It is not checked out.
checkout-one-target = Choose a person or a place.
return-in-past = The expected return date is already past.
nav-my-equipment = My equipment
mine-empty = No equipment is assigned to you.
labels-title = Labels
labels-print = Print
labels-action = Labels
label-action = Label
status-change = Change the status
status-reason = Reason
status-since = Since (empty: today)
status-changed = Status changed.
status-refused-checked-out = Someone holds it: check it in first.
choose = — Choose —
back = Back
checked-out-on = Out since
checked-in-on = Back on
history-field-parent = Inside
history-field-kind = Kind
history-field-since = Since

# Custom fields, hardware, used by, relations
field-custom-fields = Custom fields (one per line: key | label | text, number, date, boolean or list | required | option, option)
field-has-hardware = Hardware facts (OS, CPU, memory, disks, interfaces)
custom-fields-line = Each line reads: key | label | kind, then optionally | required | options.
custom-fields-kind = A kind is text, number, date, boolean or list.
custom-fields-required = The fourth part is "required", "optional" or empty.
custom-fields-key = A key is lower-case letters, digits and _ (at most 40), starting with a letter.
custom-fields-duplicate = Two fields have the same key.
custom-fields-label = A label has 1 to 100 characters and no |.
custom-fields-options = A list needs options (separated by commas, without |); other kinds take none.
custom-fields-too-many = At most 50 custom fields.
custom-field-unknown = This field does not belong to the chosen model's category.
field-invalid-number = A number, like 12 or 24.5.
field-invalid-boolean = Yes or no.
hardware = Hardware
hardware-os = Operating system
hardware-os-version = OS version
hardware-cpu = Processor
hardware-cores = Cores
hardware-cores-short = cores
hardware-memory = Memory (MB)
hardware-disks = Disks
hardware-interfaces = Network interfaces
hardware-disks-help = Disks (one per line: name | size in GB)
hardware-interfaces-help = Network interfaces (one per line: name | MAC | addresses separated by spaces)
hardware-disks-invalid = Each disk needs a name; a size is a number of GB.
hardware-interfaces-invalid = Each interface needs a valid MAC (aa:bb:cc:dd:ee:ff) or IP addresses.
used-by = Used by
used-by-add = Person
relations = Linked assets
relation-kind = Link
relation-other-tag = Tag of the other asset
relation-connected-to = Connected to
relation-connected-from = Has connected
relation-docked-to = Docked on
relation-docked-from = Dock of
relation-component-to = Part of
relation-component-from = Contains
relation-itself = An asset cannot be linked to itself.
relation-exists = These two assets are already linked.
relation-unknown-tag = No asset you can see has this tag.
action-add = Add
action-remove = Remove
bulk-title = Change the selected assets
bulk-select = Select
bulk-action = Action
bulk-action-status = New status (with the reason)
bulk-action-location = New place
bulk-action-assignee = New responsible person
bulk-action-entity = Move to entity
bulk-apply = Apply to the selected assets
bulk-done = { $count ->
    [one] One changed.
   *[other] { $count } changed.
}
bulk-nothing-changed = Nothing was changed.
bulk-back = Back to the assets
bulk-none-selected = Tick at least one row.
bulk-too-many = Too many rows at once: narrow the selection.
nav-notifications = Notifications
notifications-none = No notifications.
notifications-mark-all-read = Mark all as read
notifications-all-read = All notifications marked as read.
notify-overdue-holder = { $tag } was due back on { $due }: please return it.
notify-overdue-lender = { $tag }, which you checked out, was due back on { $due }.
nav-imports = Imports
import-new = Import a CSV file
import-help = UTF-8 (with or without BOM) or Latin-1, separated by commas, semicolons or tabs, with a header line. A dry run shows every refused row before anything is written; rows whose tag or serial (model name, login) exists update it.
import-kind = What the file holds
import-kind-assets = Assets
import-kind-models = Models
import-kind-users = People
import-default-entity = Entity of new rows (when the file names none)
import-file = File
import-upload = Upload
import-recent = Your latest imports
import-uploaded-at = Uploaded
import-uploaded = File received: check the column mapping, then start a dry run.
import-columns = { $count } columns
import-mapping = Columns
import-not-in-file = (not in the file)
import-check = Dry run
import-check-title = Dry run
import-run-title = Import
import-run = Import these rows
import-check-started = Dry run started.
import-started = Import started.
import-check-first = Run a dry run first; a file is imported once.
import-already-run = This file was already imported.
import-rows = Rows
import-created = To create / created
import-updated = To update / updated
import-unchanged = Unchanged
import-failed = Refused
import-line = Line
import-target = Field
import-problem = Problem
import-field-row = Row
import-choose-kind = Choose what the file holds before the file.
import-no-file = Choose a file.
import-empty-file = The file is empty.
import-no-header = The first line must name the columns.
import-unknown-value = No such value in Parc (or not one you can use).
import-row-refused = Refused: the object changed or cannot take these values.
import-not-allowed = You may not change this object.
notify-import-done = Import of { $file } finished: { $created } created, { $updated } updated, { $failed } refused.
job-queued = Waiting to start…
job-running = In progress…
job-done = Finished.
job-failed = Failed.
list-total-estimate = About { $count } results

# Helpdesk
nav-tickets = Tickets
kind-ticket = Ticket
error-refused = Not possible now
field-created = Created
field-not-allowed = You cannot set this.
field-invalid-datetime = Not a valid date and time.
system = System
private = Private
ticket-new = New ticket
ticket-number = Number
ticket-title = Title
ticket-kind = Kind
ticket-kind-incident = Incident
ticket-kind-request = Request
ticket-status-new = New
ticket-status-assigned = Assigned
ticket-status-in_progress = In progress
ticket-status-pending = Pending
ticket-status-solved = Solved
ticket-status-closed = Closed
ticket-open = Open (not solved)
ticket-requester = Requester
ticket-assigned = Assigned to
ticket-technician = Technician
ticket-category = Category
ticket-urgency = Urgency
ticket-impact = Impact
ticket-priority = Priority
ticket-source = Channel
ticket-source-web = Helpdesk
ticket-source-portal = Portal
ticket-source-phone = Phone
ticket-source-email = E-mail
ticket-source-api = API
ticket-due = Due
ticket-own-due = Time to own
ticket-resolve-due = Time to resolve
ticket-owned-at = Taken in charge on
ticket-clock-paused = Clock paused while pending
ticket-late = Late
ticket-timeline = Timeline
ticket-assign = Assign
ticket-take = Take it
ticket-solve = Solve
ticket-pend = Put on hold
ticket-pending-reason = Waiting for
ticket-resume = Resume
ticket-close = Close
ticket-reopen = Reopen
level-1 = Very low
level-2 = Low
level-3 = Medium
level-4 = High
level-5 = Very high
queue = Queue
queue-all = All
queue-mine = Mine
queue-groups = My groups
queue-unassigned = Unassigned
queue-late = Late or nearly
queue-requested = My requests
timeline-followup = Followup
timeline-task = Task
timeline-solution = Solution
timeline-status = Status
state-todo = To do
state-done = Done
state-proposed = Proposed
state-accepted = Accepted
state-refused = Refused
followup-add = Add a followup
followup-body = Message
followup-added = Followup added.
task-add = Add a task
task-body = What to do
task-planned = Planned
task-planned-start = Planned start
task-planned-end = Planned end
task-minutes = Time spent (minutes)
task-added = Task added.
task-end-before-start = The end must come after the start.
solution-body = Solution
solution-answer = Does this solve your problem?
solution-comment = Comment
solution-accept = Yes, close it
solution-refuse = No, it is not solved
flash-ticket-assigned = Ticket assigned.
flash-ticket-solved = Solution sent to the requester.
ticket-refused-closed = The ticket is closed: reopen it first.
ticket-refused-solved = The ticket is solved: reopen it first.
ticket-refused-already-pending = The ticket is already pending.
ticket-refused-not-pending = The ticket is not pending.
ticket-refused-not-solved = The ticket has no solution waiting for an answer.
sla = Service level
sla-how = How was this computed?
sla-start = Clock started
sla-delay = Delay: { $minutes } minutes of working time.
sla-remaining = { $minutes } minutes left when the clock stopped.
sla-from = From
sla-to = To
sla-minutes = Minutes counted
sla-pauses = Pending periods (not counted)
sla-none = No service level applies to this ticket.
calendar = Working calendar
history-field-title = Title
history-field-urgency = Urgency
history-field-impact = Impact
history-field-priority = Priority
history-field-requester = Requester
history-field-source = Channel
history-field-pending-reason = Waiting for
history-field-assignees = Assigned to
survey = Your opinion
survey-question = How satisfied are you with how this was handled? (1 = not at all, 5 = very)
survey-send = Send my rating
survey-thanks = Thank you for your rating.
survey-rated = Rated { $rating } out of 5.
survey-waiting = Waiting for the requester's rating, until
survey-closed = This survey was already answered or has expired.
satisfaction = Satisfaction
satisfaction-by = By
satisfaction-answers = Answers
satisfaction-average = Average (1–5)
period-days = Over the last days
notify-ticket-created = New ticket #{ $number }: { $title }
notify-ticket-assigned = Ticket #{ $number } assigned: { $title }
notify-ticket-followup = New followup on ticket #{ $number }: { $title }
notify-ticket-solved = Ticket #{ $number } is solved: { $title }. Please accept or refuse the solution.
notify-ticket-closed = Ticket #{ $number } is closed: { $title }
notify-ticket-escalation-own = Ticket #{ $number } has used { $percent }% of its time to be taken in charge: { $title }
notify-ticket-escalation-resolve = Ticket #{ $number } has used { $percent }% of its time to be resolved: { $title }
nav-kb = Knowledge base
kind-kb-article = Article
kb-new = New article
kb-body = Text (Markdown)
kb-lang = Language
kb-visibility = Visible to
kb-visibility-everyone = Everyone
kb-visibility-helpdesk = The helpdesk only
kb-category = Category
kb-from-ticket = The ticket it comes from
kb-revisions = Revisions
kb-suggestions = These articles may already answer your question
kb-linked-tickets = Tickets
kb-make-article = Turn into an article
lang-fr = French
lang-en = English
nav-portal = Help
portal-title = How can we help?
portal-problem = I have a problem
portal-problem-hint = Something does not work: a machine, an application, the network…
portal-request = I need something
portal-request-hint = Equipment, software, an access, a change…
portal-find-answer = Find an answer
portal-what = In a few words
portal-details = Details
portal-machine = The machine concerned
portal-send = Send
portal-sent = Your request is sent. You can follow it here.
dashboard = Helpdesk dashboard
dashboard-backlog = Backlog by status
dashboard-by-priority = Open by priority
dashboard-by-group = Open by group
dashboard-per-day = Tickets created and solved per day
dashboard-created = Created
dashboard-solved = Solved
dashboard-table = As a table
dashboard-day = Day
dashboard-sla = SLA compliance
dashboard-week = Last 7 days
dashboard-month = Last 30 days
dashboard-times = Times
dashboard-mean = Mean
dashboard-median = Median
dashboard-to-own = To take in charge
dashboard-to-resolve = To resolve
dashboard-load = Load per technician
dashboard-open = Open tickets
dashboard-planned = Planned, next 7 days
planning = My planning
planning-team = The team's planning
planning-week-of = week of
planning-this-week = This week
planning-feed = Subscribe from your calendar
planning-feed-hint = A secret address your calendar application (Outlook, Thunderbird, your phone) subscribes to. Anyone with the address sees your planned tasks: renew it or revoke it if it leaks.
planning-feed-once = Copy this address now: it is shown only once.
planning-feed-active = An address is active since
planning-feed-create = Create my address
planning-feed-renew = Make a new address (the old one stops working)
planning-feed-revoke = Revoke
planning-feed-revoked = The address no longer works.
attachments = Files
attachment-add = Attach a file (10 MB at most: images, PDF, office documents, text)
attachment-added = File attached.
attachment-empty = No file was sent.
attachment-kind = This kind of file is not accepted (images, PDF, office documents and plain text are).
attachment-too-many = This ticket has as many files as it may hold (20).
attachment-too-large = The file is larger than 10 MB.
notify-ticket-survey = Ticket #{ $number } is closed: { $title }. Tell us how it went.

## Mail, one subject and one body per event
mail-footer = You receive this mail because you take part in this ticket. Choose which mails you receive: { $profile }
mail-ticket-created-subject = [#{ $number }] New ticket: { $title }
mail-ticket-created-body =
    Hello { $name },

    Ticket #{ $number } was created: { $title }
    { $link }
mail-ticket-assigned-subject = [#{ $number }] Assigned: { $title }
mail-ticket-assigned-body =
    Hello { $name },

    Ticket #{ $number } was assigned: { $title }
    { $link }
mail-ticket-followup-subject = [#{ $number }] New followup: { $title }
mail-ticket-followup-body =
    Hello { $name },

    There is a new followup on ticket #{ $number }: { $title }
    Read it and answer on the ticket's page:
    { $link }
mail-ticket-solved-subject = [#{ $number }] Solved: { $title }
mail-ticket-solved-body =
    Hello { $name },

    Ticket #{ $number } is solved: { $title }
    Please accept or refuse the solution:
    { $link }
mail-ticket-closed-subject = [#{ $number }] Closed: { $title }
mail-ticket-closed-body =
    Hello { $name },

    Ticket #{ $number } is closed: { $title }
    { $link }
mail-ticket-survey-subject = [#{ $number }] How did it go? { $title }
mail-ticket-survey-body =
    Hello { $name },

    Ticket #{ $number } is closed: { $title }
    Tell us how it went, from 1 to 5, on the ticket's page:
    { $link }
mail-ticket-escalation-own-subject = [#{ $number }] { $percent }% of the time to take charge used: { $title }
mail-ticket-escalation-own-body =
    Hello { $name },

    Ticket #{ $number } has used { $percent }% of its time to be taken in charge: { $title }
    { $link }
mail-ticket-escalation-resolve-subject = [#{ $number }] { $percent }% of the time to resolve used: { $title }
mail-ticket-escalation-resolve-body =
    Hello { $name },

    Ticket #{ $number } has used { $percent }% of its time to be resolved: { $title }
    { $link }
mail-preferences = Mail
mail-sent-to = Mail goes to { $address }.
mail-no-address = Your account has no mail address: ask an administrator to add one to receive mail.
mail-events = Send me a mail when
mail-preferences-saved = Your mail choices are saved.
mail-event-unknown = Unknown mail event.
mail-event-ticket-created = a ticket I handle is created
mail-event-ticket-assigned = a ticket is assigned to me or my group
mail-event-ticket-followup = a ticket I take part in has a new followup
mail-event-ticket-solved = a ticket I take part in is solved
mail-event-ticket-closed = a ticket I take part in is closed
mail-event-ticket-survey = I am asked to rate the service
mail-event-ticket-escalation = a ticket is late against its service level
ticket-bulk-title = Assign the selected tickets
ticket-bulk-apply = Assign the selected tickets
ticket-bulk-back = Back to the tickets
ticket-bulk-nobody = Choose a technician or a group.
saved-searches = Saved searches
saved-searches-all = All my saved searches
saved-searches-none = No saved search yet.
saved-search-name = Name of this search
saved-search-save = Save this search
saved-search-saved = Search saved.
saved-search-deleted = Saved search deleted.
saved-search-delete-confirm = Delete this saved search?
saved-search-too-many = You have too many saved searches: delete some first.

# Helpdesk settings
nav-helpdesk = Helpdesk
nav-helpdesk-settings = Helpdesk settings
nav-ticket-categories = Ticket categories
nav-calendars = Calendars
nav-slas = Service levels
nav-priority-matrix = Priorities
kind-ticket-category = Ticket category
kind-calendar = Calendar
kind-sla = Service level
in-use-tickets = Tickets still use it.
in-use-slas = Service levels still count in it.
in-use-ticket_categories = Ticket categories still bring it.
ticket-category-new = New ticket category
ticket-category-parent = Inside category
ticket-category-parent-hint = A category of the same entity or of an entity above it.
ticket-category-parent-elsewhere = Choose a category of this entity or of an entity above it.
ticket-category-cycle = A category cannot sit inside itself or inside one of its sub-categories.
ticket-category-children-elsewhere = Sub-categories of other entities sit inside it: it must stay in an entity above them.
ticket-category-sla-hint = Without one, the default service level of the ticket's entity applies.
ticket-category-on-portal = Offered on the portal
ticket-category-children = Sub-categories
ticket-category-tickets = Its tickets
calendar-new = New calendar
calendar-week = Working hours
calendar-week-hint = Days and hours, e.g. mon-fri 09:00-12:30,13:30-18:00; sat 09:00-12:00 (or 24/7). Tickets already open keep their due dates.
calendar-week-invalid = Not a valid week:
calendar-week-empty = These hours never work: give at least one day with hours.
calendar-time-zone-hint = A time zone name, e.g. Europe/Paris, America/New_York.
calendar-time-zone-unknown = Unknown time zone: use a name like Europe/Paris.
calendar-french-holidays = French public holidays are closed
calendar-closures = Closed days
calendar-closures-hint = Days the helpdesk does not work beside the weekly hours (a bridge day, the summer closing). Tickets already open keep their due dates.
calendar-closure-day = Day
calendar-closure-add = Add the closed day
calendar-closure-remove = Remove
calendar-closure-taken = This day is already closed.
calendar-used-elsewhere = Service levels of other entities count in this calendar: it must stay in an entity above them.
sla-new = New service level
sla-own = Time to own
sla-resolve = Time to resolve
sla-own-resolve = to own · to resolve
sla-priority-3 = Medium priority (own · resolve)
sla-delays-hint = In working time of the calendar: 4h, 1h30, 45m or 90 (minutes).
sla-open-tickets-hint = Tickets already open keep their due dates; tickets opened or re-prioritised from now on use these values.
sla-delay-invalid = A delay above zero, like 4h, 1h30, 45m or 90 (minutes), up to a year.
sla-resolve-before-own = The time to resolve cannot be shorter than the time to own.
sla-five-delays = Give five delays, for priorities 1 to 5.
sla-escalate-at = Tell the supervisors at (% of the delay)
sla-escalate-hint = Shares of each delay, e.g. 75, 100. Empty: never.
sla-shares-invalid = Shares from 1 to 100, separated by commas (at most ten).
sla-default = Default of its entity
sla-default-hint = Applies to the tickets of the entity and below whose category brings none; the entity's former default stops being it.
sla-default-taken = Another service level of this entity just became its default: reload and try again.
sla-calendar-hint = A calendar of the same entity or of an entity above it.
sla-calendar-elsewhere = Choose a calendar of this entity or of an entity above it.
sla-used-elsewhere = Categories of other entities bring this service level: it must stay in an entity above them.
settings-follow-through = After a ticket is solved
settings-autoclose-days = Close solved tickets after (days)
settings-autoclose-hint = A solved ticket whose requester neither accepts nor refuses the solution is closed after this many days.
settings-survey-days = Satisfaction surveys stay open (days)
settings-survey-hint = The requester can rate the service for this many days after the ticket is closed.
settings-days-range = A number of days from 1 to 365.
settings-categories-about = The tree of categories: the group that takes each one's tickets, its service level, whether employees see it on the portal.
settings-calendars-about = Working hours, time zone and closed days the delays are counted in.
settings-slas-about = Times to own and to resolve per priority, escalations, the default of each entity.
settings-matrix-about = The priority that urgency and impact give a ticket.
priority-matrix-hint = Each cell gives the priority of a ticket of that urgency (row) and impact (column). Open tickets keep their priority until their urgency or impact changes.
priority-matrix-cell = Urgency { $urgency }, impact { $impact }
priority-matrix-invalid = A priority from 1 to 5.
priority-matrix-shape = Five rows (urgency 1 to 5) of five priorities (impact 1 to 5).
nav-inventory = Inventory
inventory-agents = Agents
inventory-refused = Refused inventories
inventory-rules = Match rules
inventory-blacklist = Placeholder values
inventory-settings = Inventory settings
inventory-agents-hint = Every agent that contacted Parc, with the asset its inventories go to.
inventory-refused-hint = Inventories no rule let in, kept whole. Importing one makes its device an asset.
inventory-rules-hint = Tried in order, first match wins. "Link" takes the asset having every criterion's value; "create" makes a new asset when every criterion is present; the refusals keep the inventory for review.
inventory-blacklist-hint = Values that identify nothing ("To Be Filled By O.E.M.", all-F UUIDs…): dropped before matching. Compared without case; /…/ is a regular expression.
inventory-endpoint-hint = Agents send to /inventory (OCS agents to /ocsinventory), with the shared secret or a token as their HTTP password.
inventory-deviceid = Device id
inventory-user-agent = Agent
inventory-tag = Tag
inventory-last-contact = Last contact
inventory-last-inventory = Last inventory
inventory-when = Received
inventory-itemtype = Kind of device
inventory-reason = Reason
inventory-import = Import
inventory-import-confirm = Make this device an asset?
inventory-imported = The device is now an asset.
inventory-import-failed = This inventory cannot be imported.
inventory-position = Position
inventory-action = Action
inventory-criteria = Criteria
inventory-every-kind = every kind
inventory-rule-new = New rule
inventory-rule-delete-confirm = Delete this rule?
inventory-action-refuse_missing = refuse when a criterion is missing
inventory-action-link = link to the asset found
inventory-action-create = create an asset
inventory-action-refuse = refuse
inventory-field = Field
inventory-value = Value
inventory-field-serial = Serial number
inventory-field-uuid = System UUID
inventory-field-mac = MAC address
inventory-field-ip = IP address
inventory-field-model = Model
inventory-field-manufacturer = Manufacturer
inventory-blacklist-delete-confirm = Delete this value?
inventory-blacklist-bad-pattern = This regular expression is not valid.
inventory-access = Who may send inventories
inventory-access-secret = Agents giving the shared secret or a token
inventory-access-open = Anyone who reaches the endpoint
inventory-networks = Allowed client networks
inventory-networks-hint = One address or network per line (10.0.0.0/8); empty: any address.
inventory-network-invalid = One of these lines is not an address or a network.
inventory-default-entity = Entity of new devices
inventory-default-status = Status of new devices
inventory-max-mb = Largest inventory, decompressed (MB)
inventory-max-invalid = Between 1 and 1024 MB.
inventory-settings-stale = Someone changed these settings meanwhile: check them and save again.
inventory-secret = Shared secret
inventory-secret-set = A shared secret is set; it is never shown again.
inventory-secret-unset = No shared secret is set.
inventory-secret-new = Make a new secret
inventory-secret-confirm = Agents using the current secret will be refused until they get the new one. Go on?
inventory-tokens = Tokens per site
inventory-token-entity = Entity of the devices sent with it
inventory-token-revoked = Token revoked.
notify-inventory-memory-decreased = Less memory on { $tag } { $name }: { $before } MB, now { $after } MB

# Software catalogue, dictionary and compliance
nav-software = Software
nav-software-catalogue = Catalogue
nav-software-dictionary = Dictionary
nav-compliance = Compliance
kind-software = Software

# Licences
nav-licences = Licences
kind-licence = Licence
licence-new = New licence
licence-kind = Licence type
licence-kind-per_device = Per device
licence-kind-per_user = Per user
licence-kind-per_core = Per core
licence-kind-concurrent = Concurrent use
licence-kind-site = Site
licence-kind-subscription = Subscription
licence-seats = Seats
licence-seats-used = Seats used
licence-seats-hint = How many assets or people it covers; leave empty for a site licence.
licence-key = Licence key
licence-key-hint = Shown in clear only to those who may change the licence; never exported.
licence-starts-on = Valid from
licence-expires-on = Expires on
licence-renewal-on = Renewal on
licence-validity = Validity
licence-validity-expired = Expired
licence-validity-expiring = Expiring within 30 days
licence-validity-valid = Valid
licence-site-no-seats = A site licence has no seat count: leave it empty.
licence-seats-invalid = A whole number of seats, from 0 to 10 000 000.
licence-seats-below-used = More seats are given than this: release some first.
licence-expires-before-start = The expiry cannot come before the start.
licence-site-has-seats = Seats are given: release them before making it a site licence.
licence-holder-change = Seats are given to other holders: release them before changing the type.
licence-in-use-seats = Seats are still given: release them first.
licence-seats-free = { $free ->
    [one] { $free } free seat
   *[other] { $free } free seats
} of { $total }
licence-site-covers = A site licence covers every installation of its entities, without seats.
licence-seat-assign = Give a seat
licence-seat-asset-tag = Asset tag
licence-seat-person = Person
licence-seat-release = Release the seat
licence-seat-release-confirm = Release the seat held by
licence-seat-assigned = Seat given.
licence-seat-released = Seat released.
licence-no-free-seat = No free seat left on this licence.
licence-seat-taken = This asset or person already holds a seat of this licence.
licence-seat-no-holder = No such asset or person here.
licence-seat-wrong-holder = This licence type gives its seats to the other kind of holder (people for per-user licences, assets otherwise).
licence-seat-one-holder = Give exactly one of asset_id, asset_tag or user_id.
licence-seat-outside-entity = Outside the licence's entity.
licence-site-no-seats-to-give = A site licence has no seats to give.
licence-seat = Seat

# Standard configurations
nav-standard-configurations = Standard configurations
kind-standard-configuration = Standard configuration
