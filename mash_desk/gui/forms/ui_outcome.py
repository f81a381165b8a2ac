# source-sha256: 988659845b651c28e96e42f433e3455a6218aee5421e8766e57b9c672921a602
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'outcome.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QDialog,
    QGridLayout, QGroupBox, QHBoxLayout, QLabel,
    QPlainTextEdit, QPushButton, QSizePolicy, QSpacerItem,
    QVBoxLayout, QWidget)

class Ui_OutcomeDialog(object):
    def setupUi(self, OutcomeDialog):
        if not OutcomeDialog.objectName():
            OutcomeDialog.setObjectName(u"OutcomeDialog")
        OutcomeDialog.resize(640, 600)
        self.mainLayout = QVBoxLayout(OutcomeDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.childLabel = QLabel(OutcomeDialog)
        self.childLabel.setObjectName(u"childLabel")
        self.childLabel.setWordWrap(True)
        self.childLabel.setTextFormat(Qt.TextFormat.PlainText)

        self.mainLayout.addWidget(self.childLabel)

        self.formError = QLabel(OutcomeDialog)
        self.formError.setObjectName(u"formError")
        self.formError.setWordWrap(True)
        self.formError.setTextFormat(Qt.TextFormat.PlainText)

        self.mainLayout.addWidget(self.formError)

        self.outcomesGroup = QGroupBox(OutcomeDialog)
        self.outcomesGroup.setObjectName(u"outcomesGroup")
        self.outcomesLayout = QVBoxLayout(self.outcomesGroup)
        self.outcomesLayout.setObjectName(u"outcomesLayout")
        self.nfaCheck = QCheckBox(self.outcomesGroup)
        self.nfaCheck.setObjectName(u"nfaCheck")

        self.outcomesLayout.addWidget(self.nfaCheck)

        self.adviceCheck = QCheckBox(self.outcomesGroup)
        self.adviceCheck.setObjectName(u"adviceCheck")

        self.outcomesLayout.addWidget(self.adviceCheck)

        self.earlyHelpCheck = QCheckBox(self.outcomesGroup)
        self.earlyHelpCheck.setObjectName(u"earlyHelpCheck")

        self.outcomesLayout.addWidget(self.earlyHelpCheck)

        self.childrensCentreCheck = QCheckBox(self.outcomesGroup)
        self.childrensCentreCheck.setObjectName(u"childrensCentreCheck")

        self.outcomesLayout.addWidget(self.childrensCentreCheck)

        self.referralCheck = QCheckBox(self.outcomesGroup)
        self.referralCheck.setObjectName(u"referralCheck")

        self.outcomesLayout.addWidget(self.referralCheck)

        self.forwardCheck = QCheckBox(self.outcomesGroup)
        self.forwardCheck.setObjectName(u"forwardCheck")

        self.outcomesLayout.addWidget(self.forwardCheck)

        self.forwardWorker = QLabel(self.outcomesGroup)
        self.forwardWorker.setObjectName(u"forwardWorker")
        self.forwardWorker.setWordWrap(True)
        self.forwardWorker.setTextFormat(Qt.TextFormat.PlainText)
        self.forwardWorker.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.outcomesLayout.addWidget(self.forwardWorker)

        self.outcomesError = QLabel(self.outcomesGroup)
        self.outcomesError.setObjectName(u"outcomesError")
        self.outcomesError.setWordWrap(True)
        self.outcomesError.setTextFormat(Qt.TextFormat.PlainText)

        self.outcomesLayout.addWidget(self.outcomesError)

        self.underFiveNotice = QLabel(self.outcomesGroup)
        self.underFiveNotice.setObjectName(u"underFiveNotice")
        self.underFiveNotice.setWordWrap(True)
        self.underFiveNotice.setTextFormat(Qt.TextFormat.PlainText)

        self.outcomesLayout.addWidget(self.underFiveNotice)

        self.noOfferReasonLabel = QLabel(self.outcomesGroup)
        self.noOfferReasonLabel.setObjectName(u"noOfferReasonLabel")
        self.noOfferReasonLabel.setTextFormat(Qt.TextFormat.PlainText)

        self.outcomesLayout.addWidget(self.noOfferReasonLabel)

        self.noOfferReason = QPlainTextEdit(self.outcomesGroup)
        self.noOfferReason.setObjectName(u"noOfferReason")
        self.noOfferReason.setTabChangesFocus(True)
        self.noOfferReason.setMaximumSize(QSize(16777215, 70))

        self.outcomesLayout.addWidget(self.noOfferReason)

        self.noOfferReasonError = QLabel(self.outcomesGroup)
        self.noOfferReasonError.setObjectName(u"noOfferReasonError")
        self.noOfferReasonError.setWordWrap(True)
        self.noOfferReasonError.setTextFormat(Qt.TextFormat.PlainText)

        self.outcomesLayout.addWidget(self.noOfferReasonError)


        self.mainLayout.addWidget(self.outcomesGroup)

        self.referralGroup = QGroupBox(OutcomeDialog)
        self.referralGroup.setObjectName(u"referralGroup")
        self.referralLayout = QGridLayout(self.referralGroup)
        self.referralLayout.setObjectName(u"referralLayout")
        self.referralSourceLabel = QLabel(self.referralGroup)
        self.referralSourceLabel.setObjectName(u"referralSourceLabel")
        self.referralSourceLabel.setTextFormat(Qt.TextFormat.PlainText)

        self.referralLayout.addWidget(self.referralSourceLabel, 0, 0, 1, 1)

        self.referralSource = QComboBox(self.referralGroup)
        self.referralSource.setObjectName(u"referralSource")

        self.referralLayout.addWidget(self.referralSource, 0, 1, 1, 1)

        self.referralSourceError = QLabel(self.referralGroup)
        self.referralSourceError.setObjectName(u"referralSourceError")
        self.referralSourceError.setWordWrap(True)
        self.referralSourceError.setTextFormat(Qt.TextFormat.PlainText)

        self.referralLayout.addWidget(self.referralSourceError, 1, 1, 1, 1)

        self.primaryNeedLabel = QLabel(self.referralGroup)
        self.primaryNeedLabel.setObjectName(u"primaryNeedLabel")
        self.primaryNeedLabel.setTextFormat(Qt.TextFormat.PlainText)

        self.referralLayout.addWidget(self.primaryNeedLabel, 2, 0, 1, 1)

        self.primaryNeed = QComboBox(self.referralGroup)
        self.primaryNeed.setObjectName(u"primaryNeed")

        self.referralLayout.addWidget(self.primaryNeed, 2, 1, 1, 1)

        self.primaryNeedError = QLabel(self.referralGroup)
        self.primaryNeedError.setObjectName(u"primaryNeedError")
        self.primaryNeedError.setWordWrap(True)
        self.primaryNeedError.setTextFormat(Qt.TextFormat.PlainText)

        self.referralLayout.addWidget(self.primaryNeedError, 3, 1, 1, 1)

        self.referralNfaLabel = QLabel(self.referralGroup)
        self.referralNfaLabel.setObjectName(u"referralNfaLabel")
        self.referralNfaLabel.setTextFormat(Qt.TextFormat.PlainText)

        self.referralLayout.addWidget(self.referralNfaLabel, 4, 0, 1, 1)

        self.referralNfa = QLabel(self.referralGroup)
        self.referralNfa.setObjectName(u"referralNfa")
        self.referralNfa.setWordWrap(True)
        self.referralNfa.setTextFormat(Qt.TextFormat.PlainText)

        self.referralLayout.addWidget(self.referralNfa, 4, 1, 1, 1)


        self.mainLayout.addWidget(self.referralGroup)

        self.consentGroup = QGroupBox(OutcomeDialog)
        self.consentGroup.setObjectName(u"consentGroup")
        self.consentLayout = QVBoxLayout(self.consentGroup)
        self.consentLayout.setObjectName(u"consentLayout")
        self.consentRule = QLabel(self.consentGroup)
        self.consentRule.setObjectName(u"consentRule")
        self.consentRule.setWordWrap(True)
        self.consentRule.setTextFormat(Qt.TextFormat.PlainText)

        self.consentLayout.addWidget(self.consentRule)

        self.consentStateLabel = QLabel(self.consentGroup)
        self.consentStateLabel.setObjectName(u"consentStateLabel")
        self.consentStateLabel.setTextFormat(Qt.TextFormat.PlainText)

        self.consentLayout.addWidget(self.consentStateLabel)

        self.consentState = QComboBox(self.consentGroup)
        self.consentState.setObjectName(u"consentState")

        self.consentLayout.addWidget(self.consentState)

        self.consentStateError = QLabel(self.consentGroup)
        self.consentStateError.setObjectName(u"consentStateError")
        self.consentStateError.setWordWrap(True)
        self.consentStateError.setTextFormat(Qt.TextFormat.PlainText)

        self.consentLayout.addWidget(self.consentStateError)

        self.consentError = QLabel(self.consentGroup)
        self.consentError.setObjectName(u"consentError")
        self.consentError.setWordWrap(True)
        self.consentError.setTextFormat(Qt.TextFormat.PlainText)

        self.consentLayout.addWidget(self.consentError)

        self.consentReasonLabel = QLabel(self.consentGroup)
        self.consentReasonLabel.setObjectName(u"consentReasonLabel")
        self.consentReasonLabel.setTextFormat(Qt.TextFormat.PlainText)

        self.consentLayout.addWidget(self.consentReasonLabel)

        self.consentReason = QPlainTextEdit(self.consentGroup)
        self.consentReason.setObjectName(u"consentReason")
        self.consentReason.setTabChangesFocus(True)
        self.consentReason.setMaximumSize(QSize(16777215, 70))

        self.consentLayout.addWidget(self.consentReason)

        self.consentReasonError = QLabel(self.consentGroup)
        self.consentReasonError.setObjectName(u"consentReasonError")
        self.consentReasonError.setWordWrap(True)
        self.consentReasonError.setTextFormat(Qt.TextFormat.PlainText)

        self.consentLayout.addWidget(self.consentReasonError)


        self.mainLayout.addWidget(self.consentGroup)

        self.bottomSpacer = QSpacerItem(20, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.bottomSpacer)

        self.buttonLayout = QHBoxLayout()
        self.buttonLayout.setObjectName(u"buttonLayout")
        self.statusLabel = QLabel(OutcomeDialog)
        self.statusLabel.setObjectName(u"statusLabel")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        sizePolicy.setHorizontalStretch(1)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.statusLabel.sizePolicy().hasHeightForWidth())
        self.statusLabel.setSizePolicy(sizePolicy)
        self.statusLabel.setWordWrap(True)
        self.statusLabel.setTextFormat(Qt.TextFormat.PlainText)

        self.buttonLayout.addWidget(self.statusLabel)

        self.saveButton = QPushButton(OutcomeDialog)
        self.saveButton.setObjectName(u"saveButton")
        self.saveButton.setAutoDefault(False)

        self.buttonLayout.addWidget(self.saveButton)

        self.cancelButton = QPushButton(OutcomeDialog)
        self.cancelButton.setObjectName(u"cancelButton")
        self.cancelButton.setAutoDefault(False)

        self.buttonLayout.addWidget(self.cancelButton)


        self.mainLayout.addLayout(self.buttonLayout)

#if QT_CONFIG(shortcut)
        self.noOfferReasonLabel.setBuddy(self.noOfferReason)
        self.referralSourceLabel.setBuddy(self.referralSource)
        self.primaryNeedLabel.setBuddy(self.primaryNeed)
        self.consentStateLabel.setBuddy(self.consentState)
        self.consentReasonLabel.setBuddy(self.consentReason)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.nfaCheck, self.adviceCheck)
        QWidget.setTabOrder(self.adviceCheck, self.earlyHelpCheck)
        QWidget.setTabOrder(self.earlyHelpCheck, self.childrensCentreCheck)
        QWidget.setTabOrder(self.childrensCentreCheck, self.referralCheck)
        QWidget.setTabOrder(self.referralCheck, self.forwardCheck)
        QWidget.setTabOrder(self.forwardCheck, self.noOfferReason)
        QWidget.setTabOrder(self.noOfferReason, self.referralSource)
        QWidget.setTabOrder(self.referralSource, self.primaryNeed)
        QWidget.setTabOrder(self.primaryNeed, self.consentState)
        QWidget.setTabOrder(self.consentState, self.consentReason)
        QWidget.setTabOrder(self.consentReason, self.saveButton)
        QWidget.setTabOrder(self.saveButton, self.cancelButton)

        self.retranslateUi(OutcomeDialog)

        QMetaObject.connectSlotsByName(OutcomeDialog)
    # setupUi

    def retranslateUi(self, OutcomeDialog):
        OutcomeDialog.setWindowTitle(QCoreApplication.translate("OutcomeDialog", u"Record outcome", None))
#if QT_CONFIG(accessibility)
        OutcomeDialog.setAccessibleName(QCoreApplication.translate("OutcomeDialog", u"Record outcome", None))
#endif // QT_CONFIG(accessibility)
        self.childLabel.setText(QCoreApplication.translate("OutcomeDialog", u"Loading the child\u2026", None))
#if QT_CONFIG(accessibility)
        self.childLabel.setAccessibleDescription(QCoreApplication.translate("OutcomeDialog", u"Child and contact", None))
#endif // QT_CONFIG(accessibility)
        self.formError.setText("")
#if QT_CONFIG(accessibility)
        self.formError.setAccessibleDescription(QCoreApplication.translate("OutcomeDialog", u"Problem", None))
#endif // QT_CONFIG(accessibility)
        self.outcomesGroup.setTitle(QCoreApplication.translate("OutcomeDialog", u"Outcomes for this child (one or more)", None))
        self.nfaCheck.setText(QCoreApplication.translate("OutcomeDialog", u"&No further action", None))
#if QT_CONFIG(accessibility)
        self.nfaCheck.setAccessibleName(QCoreApplication.translate("OutcomeDialog", u"No further action", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.nfaCheck.setToolTip(QCoreApplication.translate("OutcomeDialog", u"Closes the contact; cannot be combined with any other outcome", None))
#endif // QT_CONFIG(tooltip)
        self.adviceCheck.setText(QCoreApplication.translate("OutcomeDialog", u"&Information, advice or signposting", None))
#if QT_CONFIG(accessibility)
        self.adviceCheck.setAccessibleName(QCoreApplication.translate("OutcomeDialog", u"Information, advice or signposting", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.adviceCheck.setToolTip(QCoreApplication.translate("OutcomeDialog", u"The family or referrer is given information or pointed to a service", None))
#endif // QT_CONFIG(tooltip)
        self.earlyHelpCheck.setText(QCoreApplication.translate("OutcomeDialog", u"&Early help", None))
#if QT_CONFIG(accessibility)
        self.earlyHelpCheck.setAccessibleName(QCoreApplication.translate("OutcomeDialog", u"Early help", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.earlyHelpCheck.setToolTip(QCoreApplication.translate("OutcomeDialog", u"Consent-based early help (Level 2); for an under-5 a children's-centre offer is added", None))
#endif // QT_CONFIG(tooltip)
        self.childrensCentreCheck.setText(QCoreApplication.translate("OutcomeDialog", u"C&hildren's-centre offer", None))
#if QT_CONFIG(accessibility)
        self.childrensCentreCheck.setAccessibleName(QCoreApplication.translate("OutcomeDialog", u"Children's-centre offer", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.childrensCentreCheck.setToolTip(QCoreApplication.translate("OutcomeDialog", u"Every under-5 not needing social care is offered a children's centre (000 L184)", None))
#endif // QT_CONFIG(tooltip)
        self.referralCheck.setText(QCoreApplication.translate("OutcomeDialog", u"Progress to MASH &referral", None))
#if QT_CONFIG(accessibility)
        self.referralCheck.setAccessibleName(QCoreApplication.translate("OutcomeDialog", u"Progress to MASH referral", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.referralCheck.setToolTip(QCoreApplication.translate("OutcomeDialog", u"Open a MASH referral for the daily meeting to decide (one working day)", None))
#endif // QT_CONFIG(tooltip)
        self.forwardCheck.setText(QCoreApplication.translate("OutcomeDialog", u"&Forward to the allocated worker (open case)", None))
#if QT_CONFIG(accessibility)
        self.forwardCheck.setAccessibleName(QCoreApplication.translate("OutcomeDialog", u"Forward to the allocated worker", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.forwardCheck.setToolTip(QCoreApplication.translate("OutcomeDialog", u"The child already has an open case: the allocated worker takes the contact", None))
#endif // QT_CONFIG(tooltip)
        self.forwardWorker.setText("")
#if QT_CONFIG(accessibility)
        self.forwardWorker.setAccessibleDescription(QCoreApplication.translate("OutcomeDialog", u"Who the contact is forwarded to", None))
#endif // QT_CONFIG(accessibility)
        self.underFiveNotice.setText("")
#if QT_CONFIG(accessibility)
        self.underFiveNotice.setAccessibleDescription(QCoreApplication.translate("OutcomeDialog", u"Under-5 rule", None))
#endif // QT_CONFIG(accessibility)
        self.noOfferReasonLabel.setText(QCoreApplication.translate("OutcomeDialog", u"Why no children's-centre offer is ma&de", None))
#if QT_CONFIG(accessibility)
        self.noOfferReason.setAccessibleName(QCoreApplication.translate("OutcomeDialog", u"Reason no children's-centre offer is made", None))
#endif // QT_CONFIG(accessibility)
        self.noOfferReason.setPlaceholderText(QCoreApplication.translate("OutcomeDialog", u"Only for an under-5 closed with no further action, e.g. the family already attends a centre", None))
        self.referralGroup.setTitle(QCoreApplication.translate("OutcomeDialog", u"Referral (CIN census fields)", None))
        self.referralSourceLabel.setText(QCoreApplication.translate("OutcomeDialog", u"Referral &source *", None))
#if QT_CONFIG(accessibility)
        self.referralSource.setAccessibleName(QCoreApplication.translate("OutcomeDialog", u"Referral source", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.referralSource.setToolTip(QCoreApplication.translate("OutcomeDialog", u"CIN census referral source; defaults to the contact's source", None))
#endif // QT_CONFIG(tooltip)
        self.primaryNeedLabel.setText(QCoreApplication.translate("OutcomeDialog", u"&Primary need *", None))
#if QT_CONFIG(accessibility)
        self.primaryNeed.setAccessibleName(QCoreApplication.translate("OutcomeDialog", u"Primary need", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.primaryNeed.setToolTip(QCoreApplication.translate("OutcomeDialog", u"CIN census primary need N0\u2013N9 (required for a referral)", None))
#endif // QT_CONFIG(tooltip)
        self.referralNfaLabel.setText(QCoreApplication.translate("OutcomeDialog", u"What a referral with no further action means", None))
        self.referralNfa.setText("")
#if QT_CONFIG(accessibility)
        self.referralNfa.setAccessibleDescription(QCoreApplication.translate("OutcomeDialog", u"What a referral with no further action means", None))
#endif // QT_CONFIG(accessibility)
        self.consentGroup.setTitle(QCoreApplication.translate("OutcomeDialog", u"Consent the threshold level requires", None))
        self.consentRule.setText("")
#if QT_CONFIG(accessibility)
        self.consentRule.setAccessibleDescription(QCoreApplication.translate("OutcomeDialog", u"Consent rule", None))
#endif // QT_CONFIG(accessibility)
        self.consentStateLabel.setText(QCoreApplication.translate("OutcomeDialog", u"C&onsent asked for now", None))
#if QT_CONFIG(accessibility)
        self.consentState.setAccessibleName(QCoreApplication.translate("OutcomeDialog", u"Consent asked for now", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.consentState.setToolTip(QCoreApplication.translate("OutcomeDialog", u"Record consent asked for now (the consent this level's rule is about); saved with the outcome", None))
#endif // QT_CONFIG(tooltip)
        self.consentReasonLabel.setText(QCoreApplication.translate("OutcomeDialog", u"Reason for going on &without consent", None))
#if QT_CONFIG(accessibility)
        self.consentReason.setAccessibleName(QCoreApplication.translate("OutcomeDialog", u"Reason for going on without consent", None))
#endif // QT_CONFIG(accessibility)
        self.consentReason.setPlaceholderText(QCoreApplication.translate("OutcomeDialog", u"Level 4 only: why agencies act without the family's consent", None))
#if QT_CONFIG(accessibility)
        self.statusLabel.setAccessibleDescription(QCoreApplication.translate("OutcomeDialog", u"Outcome status", None))
#endif // QT_CONFIG(accessibility)
        self.saveButton.setText(QCoreApplication.translate("OutcomeDialog", u"Save outcome", None))
#if QT_CONFIG(accessibility)
        self.saveButton.setAccessibleName(QCoreApplication.translate("OutcomeDialog", u"Save outcome", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.saveButton.setToolTip(QCoreApplication.translate("OutcomeDialog", u"Record the outcomes (Ctrl+Enter)", None))
#endif // QT_CONFIG(tooltip)
        self.cancelButton.setText(QCoreApplication.translate("OutcomeDialog", u"Cancel", None))
#if QT_CONFIG(accessibility)
        self.cancelButton.setAccessibleName(QCoreApplication.translate("OutcomeDialog", u"Cancel", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.cancelButton.setToolTip(QCoreApplication.translate("OutcomeDialog", u"Close without saving (Esc)", None))
#endif // QT_CONFIG(tooltip)
    # retranslateUi

