# Parc — messages en français. Mêmes clés que en.ftl (un test unitaire le vérifie).

## Navigation et mise en page
skip-to-content = Aller au contenu
nav-main = Navigation principale
nav-home = Accueil
nav-entities = Entités
nav-locations = Lieux
nav-users = Utilisateurs
nav-groups = Groupes
nav-api = Référence de l'API
search = Rechercher
search-everything = Matériel, personnes, lieux…
search-nothing = Aucun résultat.
language = Langue
change-language = Changer
logout = Se déconnecter
tabs = Sections
tab-main = Détails
tab-history = Historique
back-home = Retour à l'accueil
request-id = Identifiant de requête
pagination = Pages
page-previous = Précédent
page-next = Suivant
home-welcome = Bienvenue, { $name }
home-profile-hint = Votre mot de passe, votre langue et vos jetons d'API.
home-api-hint = L'API JSON, avec une référence interactive.
copy = Copier
copied = Copié
yes = Oui
no = Non
active = Actif
inactive = Désactivé

## Listes
list-total = { $count ->
    [one] { $count } élément
   *[other] { $count } éléments
}
list-empty = Rien pour l'instant.
export-csv = Exporter en CSV
filter-any = Tous
filter-apply = Filtrer

## Actions et messages
action-new = Nouveau
action-edit = Modifier
action-save = Enregistrer
action-cancel = Annuler
action-delete = Supprimer
action-delete-confirm = Oui, supprimer
delete-confirm = Supprimer « { $name } » ? C'est définitif ; son historique est conservé.
flash-created = Créé.
flash-saved = Enregistré.
flash-deleted = Supprimé.
form-has-errors = Certains champs sont à corriger.
stale-edit = { $who } a modifié cet élément le { $when } pendant que vous le modifiiez. Vos saisies sont conservées dans le formulaire : comparez-les aux valeurs actuelles puis enregistrez à nouveau.
stale-edit-short = Quelqu'un d'autre a modifié cet élément entre-temps. Rechargez la page et recommencez.

## Types d'objets
kind-entity = Entité
kind-location = Lieu
kind-user = Utilisateur
kind-group = Groupe

## Champs
field-name = Nom
field-login = Identifiant
field-password = Mot de passe
field-email = Courriel
field-phone = Téléphone
field-entity = Entité
field-location = Lieu
field-manager = Responsable
field-time-zone = Fuseau horaire
field-role = Rôle
field-roles = Rôles
field-country = Pays
field-city = Ville
field-address = Adresse
field-postcode = Code postal
field-notes = Notes
field-description = Description
field-updated = Dernière modification

## Erreurs de saisie
field-required = Obligatoire.
field-too-long = Trop long.
field-invalid = Valeur invalide.
field-invalid-choice = Choix invalide.
field-invalid-email = Adresse de courriel invalide.

## Entités
entity-new = Nouvelle entité
entity-kind = Type
entity-parent = Entité parente
entity-children = Sous-entités
entity-name-taken = Une autre entité porte ce nom sous le même parent.
entity-parent-cycle = Une entité ne peut pas être placée sous elle-même ou sous une de ses sous-entités.
entity-kind-group = Groupe
entity-kind-subsidiary = Filiale
entity-kind-site = Site
entity-kind-department = Service

## Lieux
location-new = Nouveau lieu
location-kind = Type
location-parent = Situé dans
location-children = Dans ce lieu
location-name-taken = Un autre lieu porte ce nom au même endroit.
location-kind-site = Site
location-kind-building = Bâtiment
location-kind-floor = Étage
location-kind-room = Salle
location-kind-other = Autre

## Utilisateurs
user-new = Nouvel utilisateur
user-access = Accès
user-password-hint = Laissez vide : la personne ne pourra se connecter qu'une fois un mot de passe défini.
login-invalid = Un identifiant ne contient pas d'espace.
login-taken = Cet identifiant est déjà utilisé.
email-taken = Cette adresse est déjà utilisée.
cannot-disable-self = Vous ne pouvez pas désactiver votre propre compte.
cannot-delete-self = Vous ne pouvez pas supprimer votre propre compte.
role-grant = Attribuer le rôle
role-revoke = Retirer
role-revoke-confirm = Retirer ce rôle ?
role-above-own = Vous ne pouvez pas attribuer un rôle supérieur au vôtre.
role-admin = Administrateur
role-park_manager = Gestionnaire de parc
role-supervisor = Superviseur
role-technician = Technicien
role-employee = Employé

## Groupes
group-new = Nouveau groupe
group-members = Membres
group-add-member = Ajouter un membre
group-remove-member = Retirer
group-name-taken = Un autre groupe de cette entité porte ce nom.

## Suppression refusée
in-use-users = Des personnes y sont rattachées ou y travaillent.
in-use-locations = Des lieux y sont rattachés.
in-use-groups = Des groupes y sont rattachés.
in-use-role_grants = Des rôles y sont encore attribués.
in-use-group_members = Il a encore des membres.
in-use-children = Des éléments en dépendent encore (sous-éléments, ou personnes dont il est responsable).
in-use-other = D'autres enregistrements l'utilisent encore.

## Connexion et profil
login-title = Connexion à Parc
login-submit = Se connecter
login-failed = Identifiant ou mot de passe incorrect.
login-throttled = Trop de tentatives. Patientez quelques minutes avant de réessayer.
profile-title = Mon profil
password-change = Changer mon mot de passe
password-current = Mot de passe actuel
password-new = Nouveau mot de passe
password-confirm = Nouveau mot de passe (encore)
password-hint = Au moins 12 caractères. Le changer vous déconnecte partout ailleurs et révoque vos jetons d'API.
password-current-wrong = Ce n'est pas votre mot de passe actuel.
password-mismatch = Les deux mots de passe diffèrent.
password-too-short = Au moins 12 caractères.
password-changed = Mot de passe changé.
password-reset = Définir un nouveau mot de passe
password-reset-hint = Les sessions et jetons d'API de la personne prennent fin.
tokens-title = Jetons d'API
token-name = Nom du jeton
token-create = Créer un jeton
token-shown-once = Copiez ce jeton maintenant : il ne sera plus affiché.
token-prefix = Commence par
token-created = Créé le
token-expires = Expire le
token-last-used = Dernière utilisation
token-revoke = Révoquer
token-revoke-confirm = Révoquer ce jeton ? Les programmes qui l'utilisent cesseront de fonctionner.
token-revoked = Révoqué

## Historique
history-when = Quand
history-who = Qui
history-action = Action
history-changes = Modifications
history-create = Création
history-update = Modification
history-delete = Suppression

## Erreurs
error-not-found = Page introuvable
error-unauthenticated = Veuillez vous connecter
error-forbidden = Vous n'avez pas le droit de faire cela
error-bad-request = Cette requête n'est pas valide
error-validation = Certaines valeurs ne sont pas valides
error-unprocessable = Certaines valeurs ne sont pas valides
error-precondition-required = La version modifiée doit être indiquée
error-conflict = Conflit
error-stale-edit = Quelqu'un d'autre a modifié cet élément entre-temps
error-in-use = Cet élément est encore utilisé
error-too-many-requests = Trop de tentatives
error-payload-too-large = La requête est trop volumineuse
error-internal = Une erreur s'est produite de notre côté

## Catalogue
nav-catalog = Catalogue
kind-manufacturer = Fabricant
manufacturer-new = Nouveau fabricant
catalog-models = Modèles
field-url = Adresse web
field-invalid-url = Indiquez une adresse web commençant par https:// ou http://.
field-invalid-date = Indiquez une date réelle (AAAA-MM-JJ).
name-taken = Ce nom est déjà utilisé.
in-use-asset_models = Des modèles l'utilisent encore.
kind-asset-status = Statut de matériel
asset-status-new = Nouveau statut
nav-statuses = Statuts
status-kind = Type de statut
status-kind-deployable = Prêt à déployer
status-kind-deployed = En service
status-kind-pending = Indisponible (réparation, préparation)
status-kind-archived = Archivé
kind-asset-category = Catégorie de matériel
asset-category-new = Nouvelle catégorie
nav-categories = Catégories
field-tag-pattern = Modèle de numéro d'inventaire
tag-pattern-no-counter = Le modèle doit contenir un compteur, par exemple {"{"}#####{"}"}.
tag-pattern-invalid = Utilisez lettres, chiffres, - _ / . ainsi que {"{"}YYYY{"}"}, {"{"}YY{"}"}, {"{"}MM{"}"} et un seul compteur {"{"}###{"}"}.
kind-asset-model = Modèle
asset-model-new = Nouveau modèle
nav-models = Modèles
field-part-number = Référence fabricant
field-end-of-life = Fin de vie
nav-manufacturers = Fabricants

## Matériel
nav-assets = Matériel
kind-asset = Matériel
asset-new = Nouveau matériel
field-tag = Numéro d'inventaire
field-tag-or-automatic = Numéro d'inventaire (vide : le suivant de la catégorie)
field-serial = Numéro de série
field-status = Statut
field-assigned-to = Attribué à
field-assigned-group = Groupe responsable
field-supplier = Fournisseur
field-order-number = Numéro de commande
field-invoice-number = Numéro de facture
field-purchase-date = Date d'achat
field-price = Prix
field-currency = Devise
field-warranty-end = Fin de garantie
tag-invalid = Un numéro d'inventaire ne contient que lettres, chiffres et - _ / . : # +.
tag-taken = Un autre matériel porte ce numéro d'inventaire.
serial-taken = Un autre matériel de ce fabricant a ce numéro de série.
field-invalid-currency = Une devise est un code de trois lettres (EUR, USD, GBP).
warranty-before-purchase = La garantie ne peut pas finir avant l'achat.
field-negative = Ne peut pas être négatif.
field-invalid-money = Un montant, comme 1234.50 ou 1 234,50.
error-taken = Déjà utilisé
in-use-assets = Du matériel l'utilise encore.
lifecycle = Où il est
checked-out-to = Attribué à { $holder }
expected-return = Retour prévu
check-out = Attribuer
check-in = Restituer
checkout-to-person = À une personne
checkout-to-place = Ou à un lieu
checkout-holder = Détenteur
checkin-condition = État au retour
assignment-timeline = Historique des attributions
not-deployable = Ce matériel n'est pas prêt à déployer : changez d'abord son statut.
checked-out = Attribué.
checked-in = Restitué.
checkout-refused = Attribution impossible : quelqu'un le détient déjà, ou il n'est pas prêt à déployer.
checkin-refused = Il n'est pas attribué.
checkout-one-target = Choisissez une personne ou un lieu.
return-in-past = La date de retour prévue est déjà passée.
nav-my-equipment = Mon matériel
mine-empty = Aucun matériel ne vous est attribué.
labels-title = Étiquettes
labels-print = Imprimer
labels-action = Étiquettes
label-action = Étiquette
status-change = Changer le statut
status-reason = Motif
status-since = Depuis le (vide : aujourd'hui)
status-changed = Statut changé.
status-refused-checked-out = Quelqu'un le détient : restituez-le d'abord.
choose = — Choisir —
back = Retour
checked-out-on = Attribué le
checked-in-on = Restitué le
history-field-parent = Dans
history-field-kind = Type
history-field-since = Depuis le

# Champs personnalisés, matériel, utilisateurs, relations
field-custom-fields = Champs personnalisés (un par ligne : clé | libellé | texte, nombre, date, oui/non ou liste | obligatoire | option, option)
field-has-hardware = Caractéristiques matérielles (OS, processeur, mémoire, disques, interfaces)
custom-fields-line = Chaque ligne s'écrit : clé | libellé | type, puis éventuellement | obligatoire | options.
custom-fields-kind = Un type est texte, nombre, date, oui/non ou liste.
custom-fields-required = La quatrième partie est « obligatoire », « facultatif » ou vide.
custom-fields-key = Une clé est faite de minuscules, chiffres et _ (40 au plus) et commence par une lettre.
custom-fields-duplicate = Deux champs ont la même clé.
custom-fields-label = Un libellé a de 1 à 100 caractères, sans |.
custom-fields-options = Une liste a besoin d'options (séparées par des virgules, sans |) ; les autres types n'en ont pas.
custom-fields-too-many = 50 champs personnalisés au plus.
custom-field-unknown = Ce champ n'appartient pas à la catégorie du modèle choisi.
field-invalid-number = Un nombre, comme 12 ou 24,5.
field-invalid-boolean = Oui ou non.
hardware = Matériel
hardware-os = Système d'exploitation
hardware-os-version = Version du système
hardware-cpu = Processeur
hardware-cores = Cœurs
hardware-cores-short = cœurs
hardware-memory = Mémoire (Mo)
hardware-disks = Disques
hardware-interfaces = Interfaces réseau
hardware-disks-help = Disques (un par ligne : nom | taille en Go)
hardware-interfaces-help = Interfaces réseau (une par ligne : nom | MAC | adresses séparées par des espaces)
hardware-disks-invalid = Chaque disque a un nom ; une taille est un nombre de Go.
hardware-interfaces-invalid = Chaque interface a une MAC valide (aa:bb:cc:dd:ee:ff) ou des adresses IP.
used-by = Utilisé par
used-by-add = Personne
relations = Matériels liés
relation-kind = Lien
relation-other-tag = Étiquette de l'autre matériel
relation-connected-to = Connecté à
relation-connected-from = A pour périphérique
relation-docked-to = Sur la station d'accueil
relation-docked-from = Station d'accueil de
relation-component-to = Composant de
relation-component-from = Contient
relation-itself = Un matériel ne peut pas être lié à lui-même.
relation-exists = Ces deux matériels sont déjà liés.
relation-unknown-tag = Aucun matériel visible n'a cette étiquette.
action-add = Ajouter
action-remove = Retirer
bulk-title = Modifier les matériels sélectionnés
bulk-select = Sélectionner
bulk-action = Action
bulk-action-status = Nouveau statut (avec le motif)
bulk-action-location = Nouveau lieu
bulk-action-assignee = Nouveau responsable
bulk-action-entity = Déplacer vers l'entité
bulk-apply = Appliquer aux matériels sélectionnés
bulk-done = { $count ->
    [one] Une ligne modifiée.
   *[other] { $count } lignes modifiées.
}
bulk-nothing-changed = Rien n'a été modifié.
bulk-back = Retour aux matériels
bulk-none-selected = Cochez au moins une ligne.
bulk-too-many = Trop de lignes à la fois : réduisez la sélection.
nav-notifications = Notifications
notifications-none = Aucune notification.
notifications-mark-all-read = Tout marquer comme lu
notifications-all-read = Toutes les notifications sont marquées comme lues.
notify-overdue-holder = { $tag } devait être rendu le { $due } : merci de le rapporter.
notify-overdue-lender = { $tag }, que vous avez prêté, devait être rendu le { $due }.
nav-imports = Imports
import-new = Importer un fichier CSV
import-help = UTF-8 (avec ou sans BOM) ou Latin-1, séparé par des virgules, points-virgules ou tabulations, avec une ligne d'en-tête. Une simulation montre chaque ligne refusée avant toute écriture ; une ligne dont l'étiquette ou le numéro de série (nom de modèle, identifiant) existe le met à jour.
import-kind = Contenu du fichier
import-kind-assets = Matériels
import-kind-models = Modèles
import-kind-users = Personnes
import-default-entity = Entité des nouvelles lignes (si le fichier n'en donne pas)
import-file = Fichier
import-upload = Envoyer
import-recent = Vos derniers imports
import-uploaded-at = Envoyé le
import-uploaded = Fichier reçu : vérifiez les colonnes, puis lancez une simulation.
import-columns = { $count } colonnes
import-mapping = Colonnes
import-not-in-file = (absent du fichier)
import-check = Simulation
import-check-title = Simulation
import-run-title = Import
import-run = Importer ces lignes
import-check-started = Simulation lancée.
import-started = Import lancé.
import-check-first = Lancez d'abord une simulation ; un fichier n'est importé qu'une fois.
import-already-run = Ce fichier a déjà été importé.
import-rows = Lignes
import-created = À créer / créés
import-updated = À mettre à jour / mis à jour
import-unchanged = Inchangés
import-failed = Refusées
import-line = Ligne
import-target = Champ
import-problem = Problème
import-field-row = Ligne
import-choose-kind = Choisissez le contenu du fichier avant le fichier.
import-no-file = Choisissez un fichier.
import-empty-file = Le fichier est vide.
import-no-header = La première ligne doit nommer les colonnes.
import-unknown-value = Valeur inconnue dans Parc (ou que vous ne pouvez pas utiliser).
import-row-refused = Refusée : l'objet a changé ou n'accepte pas ces valeurs.
import-not-allowed = Vous ne pouvez pas modifier cet objet.
notify-import-done = Import de { $file } terminé : { $created } créés, { $updated } mis à jour, { $failed } refusés.
job-queued = En attente…
job-running = En cours…
job-done = Terminé.
job-failed = Échec.
list-total-estimate = Environ { $count } résultats

# Helpdesk
nav-tickets = Tickets
kind-ticket = Ticket
error-refused = Impossible pour l’instant
field-created = Créé le
field-not-allowed = Vous ne pouvez pas définir ce champ.
field-invalid-datetime = Date et heure invalides.
system = Système
private = Privé
ticket-new = Nouveau ticket
ticket-number = Numéro
ticket-title = Titre
ticket-kind = Type
ticket-kind-incident = Incident
ticket-kind-request = Demande
ticket-status-new = Nouveau
ticket-status-assigned = Attribué
ticket-status-in_progress = En cours
ticket-status-pending = En attente
ticket-status-solved = Résolu
ticket-status-closed = Clos
ticket-open = Ouverts (non résolus)
ticket-requester = Demandeur
ticket-assigned = Attribué à
ticket-technician = Technicien
ticket-category = Catégorie
ticket-urgency = Urgence
ticket-impact = Impact
ticket-priority = Priorité
ticket-source = Canal
ticket-source-web = Support
ticket-source-portal = Portail
ticket-source-phone = Téléphone
ticket-source-email = Courriel
ticket-source-api = API
ticket-due = Échéance
ticket-own-due = Délai de prise en charge
ticket-resolve-due = Délai de résolution
ticket-owned-at = Pris en charge le
ticket-clock-paused = Décompte suspendu pendant l’attente
ticket-late = En retard
ticket-timeline = Fil du ticket
ticket-assign = Attribuer
ticket-take = Le prendre
ticket-solve = Résoudre
ticket-pend = Mettre en attente
ticket-pending-reason = En attente de
ticket-resume = Reprendre
ticket-close = Clore
ticket-reopen = Rouvrir
level-1 = Très basse
level-2 = Basse
level-3 = Moyenne
level-4 = Haute
level-5 = Très haute
queue = File
queue-all = Tous
queue-mine = Les miens
queue-groups = Mes groupes
queue-unassigned = Non attribués
queue-late = En retard ou presque
queue-requested = Mes demandes
timeline-followup = Suivi
timeline-task = Tâche
timeline-solution = Solution
timeline-status = Statut
state-todo = À faire
state-done = Fait
state-proposed = Proposée
state-accepted = Acceptée
state-refused = Refusée
followup-add = Ajouter un suivi
followup-body = Message
followup-added = Suivi ajouté.
task-add = Ajouter une tâche
task-body = À faire
task-planned = Planifiée
task-planned-start = Début prévu
task-planned-end = Fin prévue
task-minutes = Temps passé (minutes)
task-added = Tâche ajoutée.
task-end-before-start = La fin doit venir après le début.
solution-body = Solution
solution-answer = Cette solution règle-t-elle votre problème ?
solution-comment = Commentaire
solution-accept = Oui, clore le ticket
solution-refuse = Non, ce n’est pas résolu
flash-ticket-assigned = Ticket attribué.
flash-ticket-solved = Solution envoyée au demandeur.
ticket-refused-closed = Le ticket est clos : rouvrez-le d’abord.
ticket-refused-solved = Le ticket est résolu : rouvrez-le d’abord.
ticket-refused-already-pending = Le ticket est déjà en attente.
ticket-refused-not-pending = Le ticket n’est pas en attente.
ticket-refused-not-solved = Le ticket n’a pas de solution en attente de réponse.
sla = Niveau de service
sla-how = Comment est-ce calculé ?
sla-start = Début du décompte
sla-delay = Délai : { $minutes } minutes de temps ouvré.
sla-remaining = { $minutes } minutes restantes à l’arrêt du décompte.
sla-from = De
sla-to = À
sla-minutes = Minutes comptées
sla-pauses = Périodes d’attente (non comptées)
sla-none = Aucun niveau de service ne s’applique à ce ticket.
calendar = Calendrier ouvré
history-field-title = Titre
history-field-urgency = Urgence
history-field-impact = Impact
history-field-priority = Priorité
history-field-requester = Demandeur
history-field-source = Canal
history-field-pending-reason = En attente de
history-field-assignees = Attribué à
survey = Votre avis
survey-question = Êtes-vous satisfait du traitement de votre demande ? (1 = pas du tout, 5 = très)
survey-send = Envoyer ma note
survey-thanks = Merci pour votre note.
survey-rated = Noté { $rating } sur 5.
survey-waiting = En attente de la note du demandeur, jusqu’au
survey-closed = Cette enquête a déjà reçu une réponse ou a expiré.
satisfaction = Satisfaction
satisfaction-by = Par
satisfaction-answers = Réponses
satisfaction-average = Moyenne (1–5)
period-days = Sur les derniers jours
notify-ticket-created = Nouveau ticket n° { $number } : { $title }
notify-ticket-assigned = Ticket n° { $number } attribué : { $title }
notify-ticket-followup = Nouveau suivi sur le ticket n° { $number } : { $title }
notify-ticket-solved = Le ticket n° { $number } est résolu : { $title }. Acceptez ou refusez la solution.
notify-ticket-closed = Le ticket n° { $number } est clos : { $title }
notify-ticket-escalation-own = Le ticket n° { $number } a consommé { $percent } % de son délai de prise en charge : { $title }
notify-ticket-escalation-resolve = Le ticket n° { $number } a consommé { $percent } % de son délai de résolution : { $title }
nav-kb = Base de connaissances
kind-kb-article = Article
kb-new = Nouvel article
kb-body = Texte (Markdown)
kb-lang = Langue
kb-visibility = Visible par
kb-visibility-everyone = Tout le monde
kb-visibility-helpdesk = Le support seulement
kb-category = Catégorie
kb-from-ticket = Le ticket d’origine
kb-revisions = Versions
kb-suggestions = Ces articles répondent peut-être déjà à votre question
kb-linked-tickets = Tickets
kb-make-article = En faire un article
lang-fr = Français
lang-en = Anglais
nav-portal = Assistance
portal-title = Comment pouvons-nous vous aider ?
portal-problem = J’ai un problème
portal-problem-hint = Quelque chose ne marche pas : un poste, une application, le réseau…
portal-request = J’ai besoin de quelque chose
portal-request-hint = Du matériel, un logiciel, un accès, un changement…
portal-find-answer = Trouver une réponse
portal-what = En quelques mots
portal-details = Détails
portal-machine = Le matériel concerné
portal-send = Envoyer
portal-sent = Votre demande est envoyée. Vous pouvez la suivre ici.
dashboard = Tableau de bord du support
dashboard-backlog = Stock par statut
dashboard-by-priority = Ouverts par priorité
dashboard-by-group = Ouverts par groupe
dashboard-per-day = Tickets créés et résolus par jour
dashboard-created = Créés
dashboard-solved = Résolus
dashboard-table = En tableau
dashboard-day = Jour
dashboard-sla = Respect des délais (SLA)
dashboard-week = 7 derniers jours
dashboard-month = 30 derniers jours
dashboard-times = Délais
dashboard-mean = Moyenne
dashboard-median = Médiane
dashboard-to-own = De prise en charge
dashboard-to-resolve = De résolution
dashboard-load = Charge par technicien
dashboard-open = Tickets ouverts
dashboard-planned = Planifié, 7 prochains jours
planning = Mon planning
planning-team = Le planning de l’équipe
planning-week-of = semaine du
planning-this-week = Cette semaine
planning-feed = S’abonner depuis son agenda
planning-feed-hint = Une adresse secrète à laquelle votre agenda (Outlook, Thunderbird, votre téléphone) s’abonne. Quiconque a l’adresse voit vos tâches planifiées : renouvelez-la ou révoquez-la si elle fuit.
planning-feed-once = Copiez cette adresse maintenant : elle n’est montrée qu’une fois.
planning-feed-active = Une adresse est active depuis le
planning-feed-create = Créer mon adresse
planning-feed-renew = Nouvelle adresse (l’ancienne cesse de fonctionner)
planning-feed-revoke = Révoquer
planning-feed-revoked = L’adresse ne fonctionne plus.
attachments = Fichiers
attachment-add = Joindre un fichier (10 Mo au plus : images, PDF, documents bureautiques, texte)
attachment-added = Fichier joint.
attachment-empty = Aucun fichier n’a été envoyé.
attachment-kind = Ce type de fichier n’est pas accepté (images, PDF, documents bureautiques et texte le sont).
attachment-too-many = Ce ticket a déjà autant de fichiers qu’il peut en avoir (20).
attachment-too-large = Le fichier dépasse 10 Mo.
notify-ticket-survey = Le ticket n° { $number } est clos : { $title }. Dites-nous comment cela s’est passé.

## Mail, one subject and one body per event
mail-footer = Vous recevez ce message parce que vous participez à ce ticket. Choisissez les messages que vous recevez : { $profile }
mail-ticket-created-subject = [n° { $number }] Nouveau ticket : { $title }
mail-ticket-created-body =
    Bonjour { $name },

    Le ticket n° { $number } a été créé : { $title }
    { $link }
mail-ticket-assigned-subject = [n° { $number }] Attribué : { $title }
mail-ticket-assigned-body =
    Bonjour { $name },

    Le ticket n° { $number } a été attribué : { $title }
    { $link }
mail-ticket-followup-subject = [n° { $number }] Nouveau suivi : { $title }
mail-ticket-followup-body =
    Bonjour { $name },

    Il y a un nouveau suivi sur le ticket n° { $number } : { $title }
    Lisez-le et répondez sur la page du ticket :
    { $link }
mail-ticket-solved-subject = [n° { $number }] Résolu : { $title }
mail-ticket-solved-body =
    Bonjour { $name },

    Le ticket n° { $number } est résolu : { $title }
    Acceptez ou refusez la solution :
    { $link }
mail-ticket-closed-subject = [n° { $number }] Clos : { $title }
mail-ticket-closed-body =
    Bonjour { $name },

    Le ticket n° { $number } est clos : { $title }
    { $link }
mail-ticket-survey-subject = [n° { $number }] Comment cela s’est-il passé ? { $title }
mail-ticket-survey-body =
    Bonjour { $name },

    Le ticket n° { $number } est clos : { $title }
    Dites-nous comment cela s’est passé, de 1 à 5, sur la page du ticket :
    { $link }
mail-ticket-escalation-own-subject = [n° { $number }] { $percent } % du délai de prise en charge consommé : { $title }
mail-ticket-escalation-own-body =
    Bonjour { $name },

    Le ticket n° { $number } a consommé { $percent } % de son délai de prise en charge : { $title }
    { $link }
mail-ticket-escalation-resolve-subject = [n° { $number }] { $percent } % du délai de résolution consommé : { $title }
mail-ticket-escalation-resolve-body =
    Bonjour { $name },

    Le ticket n° { $number } a consommé { $percent } % de son délai de résolution : { $title }
    { $link }
mail-preferences = Courriel
mail-sent-to = Les courriels partent vers { $address }.
mail-no-address = Votre compte n’a pas d’adresse : demandez à un administrateur d’en ajouter une pour recevoir des courriels.
mail-events = M’envoyer un courriel quand
mail-preferences-saved = Vos choix de courriels sont enregistrés.
mail-event-unknown = Événement de courriel inconnu.
mail-event-ticket-created = un ticket que je traite est créé
mail-event-ticket-assigned = un ticket m’est attribué, à moi ou à mon groupe
mail-event-ticket-followup = un ticket auquel je participe a un nouveau suivi
mail-event-ticket-solved = un ticket auquel je participe est résolu
mail-event-ticket-closed = un ticket auquel je participe est clos
mail-event-ticket-survey = on me demande d’évaluer le service
mail-event-ticket-escalation = un ticket est en retard sur son niveau de service
ticket-bulk-title = Attribuer les tickets sélectionnés
ticket-bulk-apply = Attribuer les tickets sélectionnés
ticket-bulk-back = Retour aux tickets
ticket-bulk-nobody = Choisissez un technicien ou un groupe.
saved-searches = Recherches enregistrées
saved-searches-all = Toutes mes recherches enregistrées
saved-searches-none = Aucune recherche enregistrée.
saved-search-name = Nom de cette recherche
saved-search-save = Enregistrer cette recherche
saved-search-saved = Recherche enregistrée.
saved-search-deleted = Recherche enregistrée supprimée.
saved-search-delete-confirm = Supprimer cette recherche enregistrée ?
saved-search-too-many = Vous avez trop de recherches enregistrées : supprimez-en d’abord.

# Paramètres du support
nav-helpdesk = Support
nav-helpdesk-settings = Paramètres du support
nav-ticket-categories = Catégories de tickets
nav-calendars = Calendriers
nav-slas = Niveaux de service
nav-priority-matrix = Priorités
kind-ticket-category = Catégorie de tickets
kind-calendar = Calendrier
kind-sla = Niveau de service
in-use-tickets = Des tickets l’utilisent encore.
in-use-slas = Des niveaux de service comptent encore dans ce calendrier.
in-use-ticket_categories = Des catégories de tickets l’apportent encore.
ticket-category-new = Nouvelle catégorie de tickets
ticket-category-parent = Dans la catégorie
ticket-category-parent-hint = Une catégorie de la même entité ou d’une entité au-dessus.
ticket-category-parent-elsewhere = Choisissez une catégorie de cette entité ou d’une entité au-dessus.
ticket-category-cycle = Une catégorie ne peut pas se trouver dans elle-même ni dans l’une de ses sous-catégories.
ticket-category-children-elsewhere = Des sous-catégories d’autres entités s’y trouvent : elle doit rester dans une entité au-dessus d’elles.
ticket-category-sla-hint = Sans niveau de service, celui par défaut de l’entité du ticket s’applique.
ticket-category-on-portal = Proposée sur le portail
ticket-category-children = Sous-catégories
ticket-category-tickets = Ses tickets
calendar-new = Nouveau calendrier
calendar-week = Heures de travail
calendar-week-hint = Jours et heures, par exemple mon-fri 09:00-12:30,13:30-18:00; sat 09:00-12:00 (ou 24/7). Les tickets déjà ouverts gardent leurs échéances.
calendar-week-invalid = Semaine non valide :
calendar-week-empty = Ces heures ne travaillent jamais : donnez au moins un jour avec des heures.
calendar-time-zone-hint = Un nom de fuseau horaire, par exemple Europe/Paris, America/New_York.
calendar-time-zone-unknown = Fuseau horaire inconnu : utilisez un nom comme Europe/Paris.
calendar-french-holidays = Jours fériés français fermés
calendar-closures = Jours de fermeture
calendar-closures-hint = Jours où le support ne travaille pas en plus des heures de la semaine (un pont, la fermeture d’été). Les tickets déjà ouverts gardent leurs échéances.
calendar-closure-day = Jour
calendar-closure-add = Ajouter le jour de fermeture
calendar-closure-remove = Retirer
calendar-closure-taken = Ce jour est déjà fermé.
calendar-used-elsewhere = Des niveaux de service d’autres entités comptent dans ce calendrier : il doit rester dans une entité au-dessus d’elles.
sla-new = Nouveau niveau de service
sla-own = Délai de prise en charge
sla-resolve = Délai de résolution
sla-own-resolve = prise en charge · résolution
sla-priority-3 = Priorité moyenne (prise en charge · résolution)
sla-delays-hint = En temps ouvré du calendrier : 4h, 1h30, 45m ou 90 (minutes).
sla-open-tickets-hint = Les tickets déjà ouverts gardent leurs échéances ; ceux ouverts ou dont la priorité change à partir de maintenant suivent ces valeurs.
sla-delay-invalid = Un délai supérieur à zéro, comme 4h, 1h30, 45m ou 90 (minutes), jusqu’à un an.
sla-resolve-before-own = Le délai de résolution ne peut pas être plus court que le délai de prise en charge.
sla-five-delays = Donnez cinq délais, pour les priorités 1 à 5.
sla-escalate-at = Prévenir les superviseurs à (% du délai)
sla-escalate-hint = Parts de chaque délai, par exemple 75, 100. Vide : jamais.
sla-shares-invalid = Des parts de 1 à 100, séparées par des virgules (dix au plus).
sla-default = Par défaut pour son entité
sla-default-hint = S’applique aux tickets de l’entité et en dessous dont la catégorie n’en apporte pas ; l’ancien niveau par défaut de l’entité cesse de l’être.
sla-default-taken = Un autre niveau de service de cette entité vient de devenir celui par défaut : rechargez et réessayez.
sla-calendar-hint = Un calendrier de la même entité ou d’une entité au-dessus.
sla-calendar-elsewhere = Choisissez un calendrier de cette entité ou d’une entité au-dessus.
sla-used-elsewhere = Des catégories d’autres entités apportent ce niveau de service : il doit rester dans une entité au-dessus d’elles.
settings-follow-through = Après la résolution d’un ticket
settings-autoclose-days = Clore les tickets résolus après (jours)
settings-autoclose-hint = Un ticket résolu dont le demandeur n’accepte ni ne refuse la solution est clos après ce nombre de jours.
settings-survey-days = Les enquêtes de satisfaction restent ouvertes (jours)
settings-survey-hint = Le demandeur peut noter le service pendant ce nombre de jours après la clôture du ticket.
settings-days-range = Un nombre de jours de 1 à 365.
settings-categories-about = L’arbre des catégories : le groupe qui prend leurs tickets, leur niveau de service, leur présence sur le portail.
settings-calendars-about = Heures de travail, fuseau horaire et jours de fermeture dans lesquels les délais sont comptés.
settings-slas-about = Délais de prise en charge et de résolution par priorité, escalades, niveau par défaut de chaque entité.
settings-matrix-about = La priorité que l’urgence et l’impact donnent à un ticket.
priority-matrix-hint = Chaque case donne la priorité d’un ticket de cette urgence (ligne) et de cet impact (colonne). Les tickets ouverts gardent leur priorité tant que leur urgence ou leur impact ne change pas.
priority-matrix-cell = Urgence { $urgency }, impact { $impact }
priority-matrix-invalid = Une priorité de 1 à 5.
priority-matrix-shape = Cinq lignes (urgence 1 à 5) de cinq priorités (impact 1 à 5).
nav-inventory = Inventaire
inventory-agents = Agents
inventory-refused = Inventaires refusés
inventory-rules = Règles de rapprochement
inventory-blacklist = Valeurs bouche-trou
inventory-settings = Réglages de l’inventaire
inventory-agents-hint = Chaque agent qui a contacté Parc, avec le matériel où vont ses inventaires.
inventory-refused-hint = Les inventaires qu’aucune règle n’a laissés entrer, gardés entiers. En importer un fait de son appareil un matériel.
inventory-rules-hint = Essayées dans l’ordre, la première qui s’applique gagne. « Lier » prend le matériel qui a la valeur de chaque critère ; « créer » fait un matériel quand chaque critère est présent ; les refus gardent l’inventaire pour examen.
inventory-blacklist-hint = Des valeurs qui n’identifient rien (« To Be Filled By O.E.M. », UUID tout en F…) : écartées avant le rapprochement. Comparées sans la casse ; /…/ est une expression régulière.
inventory-endpoint-hint = Les agents envoient à /inventory (les agents OCS à /ocsinventory), avec le secret partagé ou un jeton comme mot de passe HTTP.
inventory-deviceid = Identifiant d’appareil
inventory-user-agent = Agent
inventory-tag = Étiquette
inventory-last-contact = Dernier contact
inventory-last-inventory = Dernier inventaire
inventory-when = Reçu
inventory-itemtype = Type d’appareil
inventory-reason = Raison
inventory-import = Importer
inventory-import-confirm = Faire de cet appareil un matériel ?
inventory-imported = L’appareil est maintenant un matériel.
inventory-import-failed = Cet inventaire ne peut pas être importé.
inventory-position = Position
inventory-action = Action
inventory-criteria = Critères
inventory-every-kind = tous types
inventory-rule-new = Nouvelle règle
inventory-rule-delete-confirm = Supprimer cette règle ?
inventory-action-refuse_missing = refuser si un critère manque
inventory-action-link = lier au matériel trouvé
inventory-action-create = créer un matériel
inventory-action-refuse = refuser
inventory-field = Champ
inventory-value = Valeur
inventory-field-serial = Numéro de série
inventory-field-uuid = UUID système
inventory-field-mac = Adresse MAC
inventory-field-ip = Adresse IP
inventory-field-model = Modèle
inventory-field-manufacturer = Fabricant
inventory-blacklist-delete-confirm = Supprimer cette valeur ?
inventory-blacklist-bad-pattern = Cette expression régulière n’est pas valide.
inventory-access = Qui peut envoyer des inventaires
inventory-access-secret = Les agents qui donnent le secret partagé ou un jeton
inventory-access-open = Quiconque atteint le point d’entrée
inventory-networks = Réseaux clients autorisés
inventory-networks-hint = Une adresse ou un réseau par ligne (10.0.0.0/8) ; vide : toute adresse.
inventory-network-invalid = Une de ces lignes n’est ni une adresse ni un réseau.
inventory-default-entity = Entité des nouveaux appareils
inventory-default-status = Statut des nouveaux appareils
inventory-max-mb = Plus gros inventaire, décompressé (Mo)
inventory-max-invalid = Entre 1 et 1024 Mo.
inventory-settings-stale = Quelqu’un a modifié ces réglages entre-temps : vérifiez-les et enregistrez à nouveau.
inventory-secret = Secret partagé
inventory-secret-set = Un secret partagé est défini ; il n’est plus jamais affiché.
inventory-secret-unset = Aucun secret partagé n’est défini.
inventory-secret-new = Créer un nouveau secret
inventory-secret-confirm = Les agents qui utilisent le secret actuel seront refusés jusqu’à ce qu’ils reçoivent le nouveau. Continuer ?
inventory-tokens = Jetons par site
inventory-token-entity = Entité des appareils envoyés avec lui
inventory-token-revoked = Jeton révoqué.
notify-inventory-memory-decreased = Moins de mémoire sur { $tag } { $name } : { $before } Mo, maintenant { $after } Mo

# Software catalogue, dictionary and compliance
nav-software = Logiciels
nav-software-catalogue = Catalogue
nav-software-dictionary = Dictionnaire
nav-compliance = Conformité
kind-software = Logiciel

# Licences
nav-licences = Licences
kind-licence = Licence
licence-new = Nouvelle licence
licence-kind = Type de licence
licence-kind-per_device = Par poste
licence-kind-per_user = Par utilisateur
licence-kind-per_core = Par cœur
licence-kind-concurrent = Accès simultanés
licence-kind-site = Site
licence-kind-subscription = Abonnement
licence-seats = Postes
licence-seats-used = Postes attribués
licence-seats-hint = Combien de matériels ou de personnes elle couvre ; vide pour une licence de site.
licence-key = Clé de licence
licence-key-hint = Visible en clair seulement pour qui peut modifier la licence ; jamais exportée.
licence-starts-on = Valable à partir du
licence-expires-on = Expire le
licence-renewal-on = Renouvellement le
licence-validity = Validité
licence-validity-expired = Expirée
licence-validity-expiring = Expire dans les 30 jours
licence-validity-valid = Valide
licence-site-no-seats = Une licence de site n'a pas de nombre de postes : laissez vide.
licence-seats-invalid = Un nombre entier de postes, de 0 à 10 000 000.
licence-seats-below-used = Plus de postes sont attribués : libérez-en d'abord.
licence-expires-before-start = L'expiration ne peut pas précéder le début.
licence-site-has-seats = Des postes sont attribués : libérez-les avant d'en faire une licence de site.
licence-holder-change = Des postes sont attribués à d'autres titulaires : libérez-les avant de changer le type.
licence-in-use-seats = Des postes sont encore attribués : libérez-les d'abord.
licence-seats-free = { $free ->
    [one] { $free } poste libre
   *[other] { $free } postes libres
} sur { $total }
licence-site-covers = Une licence de site couvre toutes les installations de ses entités, sans postes.
licence-seat-assign = Attribuer un poste
licence-seat-asset-tag = Numéro d'inventaire
licence-seat-person = Personne
licence-seat-release = Libérer le poste
licence-seat-release-confirm = Libérer le poste attribué à
licence-seat-assigned = Poste attribué.
licence-seat-released = Poste libéré.
licence-no-free-seat = Plus aucun poste libre sur cette licence.
licence-seat-taken = Ce matériel ou cette personne a déjà un poste de cette licence.
licence-seat-no-holder = Aucun matériel ou personne de ce nom ici.
licence-seat-wrong-holder = Ce type de licence attribue ses postes à l'autre sorte de titulaire (des personnes pour une licence par utilisateur, des matériels sinon).
licence-seat-one-holder = Donnez un seul de asset_id, asset_tag ou user_id.
licence-seat-outside-entity = Hors de l'entité de la licence.
licence-site-no-seats-to-give = Une licence de site n'a pas de postes à attribuer.
licence-seat = Poste

# Standard configurations
nav-standard-configurations = Configurations types
kind-standard-configuration = Configuration type
